// Command testhandler is a small custom handler for the devhost's
// integration tests. It records every invocation it receives as a JSON line
// in $TESTHANDLER_LOG and behaves as each message asks: succeed, fail, fail
// until a delivery count, sleep, or crash the process mid-request.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

var (
	logMu    sync.Mutex
	inflight atomic.Int64
	running  atomic.Int64
)

func record(v map[string]any) {
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(os.Getenv("TESTHANDLER_LOG"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	v["pid"] = os.Getpid()
	v["at"] = time.Now().UnixMilli()
	b, _ := json.Marshal(v)
	f.Write(append(b, '\n'))
}

func reply(w http.ResponseWriter, status int, logs ...string) {
	if len(logs) == 0 {
		logs = []string{"testhandler"}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"Outputs": map[string]any{}, "Logs": logs, "ReturnValue": nil})
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec := map[string]any{
			"kind": "http", "method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
			"xff": r.Header.Get("X-Forwarded-For"), "invocationId": r.Header.Get("X-Azure-Functions-InvocationId"),
			"body": string(body), "custom": r.Header.Get("X-Custom"),
		}
		record(rec)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", "1")
		w.WriteHeader(http.StatusOK)
		json.NewEncoder(w).Encode(rec)
	})
	mux.HandleFunc("POST /Tick", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		n := running.Add(1)
		start := time.Now().UnixMilli()
		ms, _ := strconv.Atoi(os.Getenv("TICK_SLEEP_MS"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
		running.Add(-1)
		record(map[string]any{"kind": "timer", "start": start, "end": time.Now().UnixMilli(), "overlap": n > 1, "raw": json.RawMessage(raw)})
		reply(w, 200)
	})
	work := func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		cur := inflight.Add(1)
		defer inflight.Add(-1)
		var env struct {
			Data struct {
				Msg string `json:"msg"`
			} `json:"Data"`
			Metadata map[string]json.RawMessage `json:"Metadata"`
		}
		json.Unmarshal(raw, &env)
		var msg struct {
			Action string `json:"action"`
			N      int    `json:"n"`
			Ms     int    `json:"ms"`
			Tag    string `json:"tag"`
		}
		json.Unmarshal([]byte(env.Data.Msg), &msg)
		var dcStr, id string
		json.Unmarshal(env.Metadata["DeliveryCount"], &dcStr)
		json.Unmarshal(env.Metadata["MessageId"], &id)
		json.Unmarshal([]byte(id), &id) // string metadata is quoted twice
		dc, _ := strconv.Atoi(dcStr)
		rec := map[string]any{"kind": "queue", "messageId": id, "deliveryCount": dc, "action": msg.Action, "tag": msg.Tag, "inflight": cur, "raw": json.RawMessage(raw)}
		switch msg.Action {
		case "fail":
			record(rec)
			reply(w, 500)
		case "failUntil":
			record(rec)
			line := fmt.Sprintf("testhandler: %s delivery %d", id, dc)
			if dc < msg.N {
				reply(w, 500, line)
				return
			}
			reply(w, 200, line)
		case "sleep":
			record(map[string]any{"kind": "begin", "messageId": id})
			time.Sleep(time.Duration(msg.Ms) * time.Millisecond)
			record(rec)
			reply(w, 200)
		case "crash":
			marker := filepath.Join(filepath.Dir(os.Getenv("TESTHANDLER_LOG")), "crashed-"+msg.Tag)
			if _, err := os.Stat(marker); err != nil {
				os.WriteFile(marker, nil, 0o600)
				rec["crashing"] = true
				record(rec)
				os.Exit(3) // mid-request: the host sees the connection drop
			}
			record(rec)
			reply(w, 200)
		default:
			record(rec)
			reply(w, 200)
		}
	}
	mux.HandleFunc("POST /Work", work)
	mux.HandleFunc("POST /WorkB", work) // a second queue with other settings
	// A handler restarted after a crash can be told to come up slowly
	// (TESTHANDLER_RESTART_DELAY_MS), as one does on a loaded machine.
	if crashed, _ := filepath.Glob(filepath.Join(filepath.Dir(os.Getenv("TESTHANDLER_LOG")), "crashed-*")); len(crashed) > 0 {
		ms, _ := strconv.Atoi(os.Getenv("TESTHANDLER_RESTART_DELAY_MS"))
		time.Sleep(time.Duration(ms) * time.Millisecond)
	}
	srv := &http.Server{Addr: "127.0.0.1:" + os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"), Handler: mux}
	record(map[string]any{"kind": "start", "workerId": os.Getenv("FUNCTIONS_CUSTOMHANDLER_WORKER_ID"), "root": os.Getenv("FUNCTIONS_APP_ROOT_PATH"), "setting": os.Getenv("SOME_SETTING")})
	if err := srv.ListenAndServe(); err != nil {
		panic(err)
	}
}
