package devhost

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
)

var (
	buildOnce  sync.Once
	handlerExe string
	buildErr   error
)

// testHandler builds testdata/testhandler once per test process.
func testHandler(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "testhandler")
		if err != nil {
			buildErr = err
			return
		}
		handlerExe = filepath.Join(dir, "testhandler")
		out, err := exec.Command("go", "build", "-o", handlerExe, "./testdata/testhandler").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return handlerExe
}

const testHostJSON = `{
  "version": "2.0",
  "functionTimeout": "00:00:10",
  "customHandler": {"description": {"defaultExecutablePath": "testhandler"}, "enableForwardingHttpRequest": true},
  "extensions": {"http": {"routePrefix": "api/v1"}, "serviceBus": {"maxConcurrentCalls": 2}}
}`

var testFunctions = map[string]string{
	"Item":   `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["get"],"route":"items/{id:int}"},{"type":"http","direction":"out","name":"res"}]}`,
	"Export": `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["get"],"route":"items/export"},{"type":"http","direction":"out","name":"res"}]}`,
	"Files":  `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"function","methods":["get","post"],"route":"files/{*rest}"},{"type":"http","direction":"out","name":"res"}]}`,
	"Secret": `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"admin","methods":["get"],"route":"secret"},{"type":"http","direction":"out","name":"res"}]}`,
	"Opt":    `{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["get"],"route":"opt/{name?}"},{"type":"http","direction":"out","name":"res"}]}`,
	"Tick":   `{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"* * * * * *"}]}`,
	"Work":   `{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"msg","queueName":"work","connection":"ServiceBusConnection"}]}`,
	"WorkB":  `{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"msg","queueName":"work-b","connection":"ServiceBusConnection"}]}`,
}

// testQueues is the rig's queue table: "work" dead-letters after 4
// deliveries and redelivers after a 2 s lock; "work-b" differs in every
// setting, so a host that used one value for all queues fails a test.
func testQueues() queue.Table {
	return queue.Table{
		"work":   {Name: "work", MaxDeliveryCount: 4, LockDuration: 2 * time.Second, TTL: time.Hour, DeadLetterOnExpiry: true, DuplicateWindow: 10 * time.Minute},
		"work-b": {Name: "work-b", MaxDeliveryCount: 2, LockDuration: 5 * time.Minute, TTL: 3 * time.Hour, DeadLetterOnExpiry: false, DuplicateWindow: time.Minute},
	}
}

type rig struct {
	stopOnce sync.Once
	took     time.Duration
	t        *testing.T
	host     *Host
	base     string
	logPath  string
	broker   *queue.RedisStreams
	cancel   context.CancelFunc
	done     chan error
}

// startRig runs a devhost over a scratch script root with the test handler.
func startRig(t *testing.T, only []string, tweak func(*Options), env ...string) *rig {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "host.json"), []byte(testHostJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range only {
		dir := filepath.Join(root, "functions", name)
		_ = os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, "function.json"), []byte(testFunctions[name]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rdb, prefix := testenv.Redis(t)
	logPath := filepath.Join(t.TempDir(), "invocations.jsonl")
	opt := Options{
		Root:           root,
		Handler:        testHandler(t),
		Addr:           "127.0.0.1:0",
		Env:            append([]string{"TESTHANDLER_LOG=" + logPath, "SOME_SETTING=from-settings", "PATH=" + os.Getenv("PATH")}, env...),
		Redis:          rdb,
		QueuePrefix:    prefix,
		Queues:         testQueues(),
		StartupTimeout: 10 * time.Second,
		ShutdownGrace:  2 * time.Second,
		Log:            testenv.Logger(t),
	}
	if tweak != nil {
		tweak(&opt)
	}
	h, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{t: t, host: h, logPath: logPath, broker: queue.NewRedisStreams(opt.Redis, opt.QueuePrefix), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- h.Run(ctx) }()
	waitFor(t, 15*time.Second, "the host to listen", func() bool {
		select {
		case err := <-r.done:
			t.Fatalf("host stopped: %v", err)
		default:
		}
		return h.Addr() != nil && h.HandlerPID() != 0
	})
	r.base = "http://" + h.Addr().String()
	t.Cleanup(func() { r.stop() })
	return r
}

func (r *rig) stop() time.Duration {
	r.stopOnce.Do(func() {
		start := time.Now()
		r.cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			r.t.Error("host did not stop within 10 s")
		}
		r.took = time.Since(start)
	})
	return r.took
}

func (r *rig) records(kind string) []map[string]any {
	f, err := os.Open(r.logPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && (kind == "" || m["kind"] == kind) {
			out = append(out, m)
		}
	}
	return out
}

func (r *rig) publish(id, body string) {
	r.t.Helper()
	r.publishTo("work", id, body)
}

func (r *rig) publishTo(q, id, body string) {
	r.t.Helper()
	m := queue.Message{ID: id, Queue: q, Subject: "Test", Body: []byte(body)}
	if err := r.broker.Publish(context.Background(), m); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) get(path string, headers ...string) (*http.Response, string) {
	r.t.Helper()
	req, _ := http.NewRequest("GET", r.base+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func TestHTTPRoutingAndForwarding(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Item", "Export", "Files", "Opt", "Work"}, nil)
	tests := []struct {
		method, path string
		want         int
		function     string
	}{
		{"GET", "/api/v1/items/42", 200, "Item"},
		{"GET", "/api/v1/items/export", 200, "Export"}, // a literal beats {id:int}
		{"GET", "/api/v1/items/abc", 404, ""},          // constraint fails, nothing else matches
		{"POST", "/api/v1/items/42", 405, ""},
		{"GET", "/api/v1/files/a/b/c.png", 200, "Files"},
		{"POST", "/api/v1/files/x", 200, "Files"},
		{"DELETE", "/api/v1/files/x", 405, ""},
		{"GET", "/api/v1/opt", 200, "Opt"},
		{"GET", "/api/v1/opt/kim", 200, "Opt"},
		{"GET", "/api/v1/nothing", 404, ""},
		{"GET", "/api/v2/items/42", 404, ""},
		{"POST", "/Work", 404, ""}, // non-HTTP functions are not reachable from outside
	}
	for _, tt := range tests {
		name, status := r.host.MatchPath(tt.method, tt.path)
		if tt.want == 200 && (name != tt.function || status != 200) {
			t.Errorf("%s %s: matched %q (%d), want %s", tt.method, tt.path, name, status, tt.function)
		}
		req, _ := http.NewRequest(tt.method, r.base+tt.path, strings.NewReader(`{"a":1}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: got %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}

	// The original request arrives: path, query, headers, body, plus the
	// caller appended to X-Forwarded-For and an invocation id.
	req, _ := http.NewRequest("POST", r.base+"/api/v1/files/doc.txt?x=1&y=2", strings.NewReader("hello body"))
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.Header.Set("X-Custom", "kept")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var echo map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&echo)
	resp.Body.Close()
	xff, _ := echo["xff"].(string)
	if echo["path"] != "/api/v1/files/doc.txt" || echo["query"] != "x=1&y=2" || echo["body"] != "hello body" || echo["custom"] != "kept" ||
		!strings.HasPrefix(xff, "203.0.113.7, 127.0.0.1:") || echo["invocationId"] == "" || resp.Header.Get("X-Echo") != "1" {
		t.Errorf("forwarded request: %v, headers %v", echo, resp.Header)
	}
	// The handler got its settings and the host's variables.
	starts := r.records("start")
	if len(starts) != 1 || starts[0]["setting"] != "from-settings" || starts[0]["workerId"] == "" || starts[0]["root"] == "" {
		t.Errorf("handler start: %v", starts)
	}
}

func TestAuthLevels(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Item", "Files", "Secret"}, func(o *Options) {
		o.FunctionKeys = []string{"fkey"}
		o.MasterKey = "mkey"
	})
	tests := []struct {
		name    string
		path    string
		headers []string
		want    int
	}{
		{"anonymous needs nothing", "/api/v1/items/1", nil, 200},
		{"function without a key", "/api/v1/files/a", nil, 401},
		{"function with a wrong key", "/api/v1/files/a", []string{"x-functions-key", "nope"}, 401},
		{"function key in the header", "/api/v1/files/a", []string{"x-functions-key", "fkey"}, 200},
		{"function key in ?code=", "/api/v1/files/a?code=fkey", nil, 200},
		{"master key for a function", "/api/v1/files/a", []string{"x-functions-key", "mkey"}, 200},
		{"admin with a function key", "/api/v1/secret", []string{"x-functions-key", "fkey"}, 401},
		{"admin with the master key", "/api/v1/secret?code=mkey", nil, 200},
	}
	for _, tt := range tests {
		if resp, _ := r.get(tt.path, tt.headers...); resp.StatusCode != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
	}
	// The admin API takes the master key only.
	req, _ := http.NewRequest("GET", r.base+"/admin/queues", nil)
	req.Header.Set("x-functions-key", "fkey")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 401 {
		t.Errorf("admin API with a function key: %v %v", resp.StatusCode, err)
	}
}

func TestNoKeysConfiguredMeansOpen(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Files", "Secret"}, nil)
	for _, p := range []string{"/api/v1/files/a", "/api/v1/secret"} {
		if resp, _ := r.get(p); resp.StatusCode != 200 {
			t.Errorf("%s: got %d with no keys configured", p, resp.StatusCode)
		}
	}
}

// A one-second timer whose runs take 1.5 s: it keeps firing, runs never
// overlap, the missed ticks come as IsPastDue, and the first run has no
// schedule status yet.
func TestTimerFiresWithoutOverlap(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Tick"}, nil, "TICK_SLEEP_MS=1500")
	waitFor(t, 15*time.Second, "four timer runs", func() bool { return len(r.records("timer")) >= 4 })
	runs := r.records("timer")
	pastDue := 0
	for i, run := range runs {
		if run["overlap"] == true {
			t.Errorf("run %d overlapped another", i)
		}
		if i > 0 && run["start"].(float64) < runs[i-1]["end"].(float64) {
			t.Errorf("run %d started before run %d ended", i, i-1)
		}
		var env struct {
			Data struct {
				Timer struct {
					ScheduleStatus *struct{ Last, Next string }
					IsPastDue      bool
				} `json:"timer"`
			}
		}
		raw, _ := json.Marshal(run["raw"])
		_ = json.Unmarshal(raw, &env)
		if (i == 0) != (env.Data.Timer.ScheduleStatus == nil) {
			t.Errorf("run %d: ScheduleStatus %+v (only the first run has none)", i, env.Data.Timer.ScheduleStatus)
		}
		if env.Data.Timer.IsPastDue {
			pastDue++
		}
	}
	if pastDue == 0 {
		t.Error("runs longer than the period never came as IsPastDue")
	}
}

// A message is completed once on success: delivered once, then gone.
func TestQueueCompletesOnSuccess(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work"}, nil)
	r.publish("ok-1", `{"action":"ok"}`)
	waitFor(t, 10*time.Second, "the delivery", func() bool { return len(r.records("queue")) == 1 })
	time.Sleep(500 * time.Millisecond) // no second delivery comes
	recs := r.records("queue")
	if len(recs) != 1 || recs[0]["messageId"] != "ok-1" || recs[0]["deliveryCount"] != float64(1) {
		t.Fatalf("deliveries: %v", recs)
	}
	st := r.queueStatus(t)
	if st.Active != 0 || st.Locked != 0 || st.DeadLetter != 0 {
		t.Errorf("after completion: %+v", st)
	}
}

func (r *rig) queueStatus(t *testing.T) queueStatus {
	t.Helper()
	resp, body := r.get("/admin/queues")
	var out []queueStatus
	if err := json.Unmarshal([]byte(body), &out); err != nil || resp.StatusCode != 200 || len(out) != 1 {
		t.Fatalf("admin/queues: %d %s", resp.StatusCode, body)
	}
	return out[0]
}

// Failures redeliver with DeliveryCount 2, 3, ... and dead-letter after the
// maximum (4 here) with the reason; requeueing brings it back fresh.
func TestQueueRedeliversThenDeadLetters(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work"}, nil)
	r.publish("retry-1", `{"action":"failUntil","n":3}`)
	r.publish("poison-1", `{"action":"fail"}`)
	waitFor(t, 15*time.Second, "the dead letter", func() bool { return r.queueStatus(t).DeadLetter == 1 })
	counts := map[string][]int{}
	for _, rec := range r.records("queue") {
		id := rec["messageId"].(string)
		counts[id] = append(counts[id], int(rec["deliveryCount"].(float64)))
	}
	if fmt.Sprint(counts["retry-1"]) != "[1 2 3]" || fmt.Sprint(counts["poison-1"]) != "[1 2 3 4]" {
		t.Errorf("delivery counts: %v", counts)
	}
	rdb := r.host.opt.Redis
	dead, _ := rdb.XRange(context.Background(), r.broker.DeadLetterStream("work"), "-", "+").Result()
	if len(dead) != 1 || dead[0].Values["deadLetterReason"] != "MaxDeliveryCountExceeded" || dead[0].Values[queue.FieldMessageID] != "poison-1" {
		t.Errorf("dead letters: %v", dead)
	}
	if st := r.queueStatus(t); st.Active != 0 || st.Locked != 0 {
		t.Errorf("queue after settling: %+v", st)
	}
	// Requeue: delivered again from DeliveryCount 1.
	resp, err := http.Post(r.base+"/admin/queues/work/deadletters/requeue", "application/json", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("requeue: %v %v", resp, err)
	}
	waitFor(t, 10*time.Second, "the requeued delivery", func() bool { return len(r.records("queue")) >= 8 })
	last := r.records("queue")[7]
	if last["messageId"] != "poison-1" || last["deliveryCount"] != float64(1) {
		t.Errorf("requeued delivery: %v", last)
	}
}

// The handler dies mid-message: the host restarts it and the message comes
// again with DeliveryCount 2; nothing is lost.
func TestHandlerKilledMidMessage(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work", "Item"}, nil)
	firstPID := r.host.HandlerPID()
	r.publish("crash-1", `{"action":"crash","tag":"c1"}`)
	waitFor(t, time.Minute, "the redelivery after the restart", func() bool {
		for _, rec := range r.records("queue") {
			if rec["deliveryCount"] == float64(2) {
				return true
			}
		}
		return false
	})
	recs := r.records("queue")
	if len(recs) != 2 || recs[0]["crashing"] != true || recs[1]["pid"] == recs[0]["pid"] {
		t.Errorf("deliveries: %v", recs)
	}
	if r.host.HandlerPID() == firstPID {
		t.Error("the handler was not restarted")
	}
	if resp, _ := r.get("/api/v1/items/7"); resp.StatusCode != 200 {
		t.Errorf("HTTP after the restart: %d", resp.StatusCode)
	}
	if len(r.records("start")) != 2 {
		t.Errorf("handler starts: %d, want 2", len(r.records("start")))
	}
}

// A handler that takes longer than functionTimeout to come back after a
// crash does not cost the message its deliveries: the redelivery waits for
// the restarted handler, and the timeout runs only once it has the request.
func TestSlowRestartKeepsDeliveries(t *testing.T) {
	t.Parallel()
	shortTimeout := func(o *Options) {
		hostJSON := strings.Replace(testHostJSON, `"functionTimeout": "00:00:10"`, `"functionTimeout": "00:00:01"`, 1)
		if err := os.WriteFile(filepath.Join(o.Root, "host.json"), []byte(hostJSON), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := startRig(t, []string{"Work"}, shortTimeout, "TESTHANDLER_RESTART_DELAY_MS=2500")
	r.publish("crash-slow", `{"action":"crash","tag":"slow"}`)
	waitFor(t, 30*time.Second, "the redelivery after the slow restart", func() bool { return len(r.records("queue")) >= 2 })
	var got []any
	for _, rec := range r.records("queue") {
		got = append(got, rec["deliveryCount"])
	}
	if want := []any{float64(1), float64(2)}; !reflect.DeepEqual(got, want) {
		t.Errorf("delivery counts the handler saw: %v, want %v", got, want)
	}
}

// maxConcurrentCalls (2 in the test host.json) caps messages in flight.
func TestQueueConcurrencyCap(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work"}, nil)
	for i := range 8 {
		r.publish(fmt.Sprintf("sleep-%d", i), `{"action":"sleep","ms":300}`)
	}
	waitFor(t, 20*time.Second, "eight deliveries", func() bool { return len(r.records("queue")) == 8 })
	peak := 0.0
	for _, rec := range r.records("queue") {
		peak = max(peak, rec["inflight"].(float64))
	}
	if peak != 2 {
		t.Errorf("peak concurrency %v, want exactly 2", peak)
	}
}

// Stopping the host stops the handler within 5 s and abandons the message
// in flight: it is back on the queue, not lost.
func TestShutdownAbandonsInFlight(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work"}, nil)
	pid := r.host.HandlerPID()
	r.publish("slow-1", `{"action":"sleep","ms":8000}`)
	rdb := r.host.opt.Redis
	ctx := context.Background()
	waitFor(t, 10*time.Second, "the handler to be working on the message", func() bool { return len(r.records("begin")) == 1 })
	if took := r.stop(); took > 5*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Error("the handler process still runs")
	}
	msgs, _ := rdb.XRange(ctx, r.broker.Stream("work"), "-", "+").Result()
	if len(msgs) != 1 || msgs[0].Values[queue.FieldMessageID] != "slow-1" || msgs[0].Values[queue.FieldDeliveryCount] != "1" {
		t.Errorf("queue after shutdown: %v", msgs)
	}
	if p, _ := rdb.XPending(ctx, r.broker.Stream("work"), consumerGroup).Result(); p != nil && p.Count != 0 {
		t.Errorf("%d still locked", p.Count)
	}
}

// A message locked by a host that died (never settled) comes back after the
// lock duration with its delivery count raised.
func TestExpiredLockIsRedelivered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	broker := queue.NewRedisStreams(rdb, prefix)
	if err := rdb.XGroupCreateMkStream(ctx, broker.Stream("work"), consumerGroup, "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := broker.Publish(ctx, queue.Message{ID: "orphan-1", Queue: "work", Body: []byte(`{"action":"ok"}`)}); err != nil {
		t.Fatal(err)
	}
	// Another host took the message and vanished without settling it.
	if _, err := rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{Group: consumerGroup, Consumer: "dead-host", Streams: []string{broker.Stream("work"), ">"}, Count: 1}).Result(); err != nil {
		t.Fatal(err)
	}
	r := startRig(t, []string{"Work"}, func(o *Options) { o.Redis, o.QueuePrefix = rdb, prefix })
	waitFor(t, 15*time.Second, "the orphan's redelivery", func() bool { return len(r.records("queue")) == 1 })
	if rec := r.records("queue")[0]; rec["messageId"] != "orphan-1" || rec["deliveryCount"] != float64(2) {
		t.Errorf("redelivery: %v", rec)
	}
}

// POST /admin/functions/{name} fires timer and queue functions by hand.
func TestAdminInvoke(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work", "Item"}, nil)
	post := func(path, body string) int {
		resp, err := http.Post(r.base+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post("/admin/functions/Work", `{"input":"{\"action\":\"ok\",\"tag\":\"by-hand\"}"}`); got != 202 {
		t.Fatalf("queue function: %d", got)
	}
	waitFor(t, 10*time.Second, "the hand-fired message", func() bool { return len(r.records("queue")) == 1 })
	if rec := r.records("queue")[0]; rec["tag"] != "by-hand" || rec["deliveryCount"] != float64(1) {
		t.Errorf("delivery: %v", rec)
	}
	for path, want := range map[string]int{"/admin/functions/Item": 404, "/admin/functions/Nope": 404} {
		if got := post(path, `{}`); got != want {
			t.Errorf("%s: %d, want %d", path, got, want)
		}
	}
	if got := post("/admin/functions/Work", `not json`); got != 400 {
		t.Errorf("bad body: %d", got)
	}
}

func TestAdminInvokeTimer(t *testing.T) {
	t.Parallel()
	// A schedule that never comes during the test: only the admin call runs it.
	root := t.TempDir()
	_ = os.WriteFile(filepath.Join(root, "host.json"), []byte(testHostJSON), 0o644)
	_ = os.MkdirAll(filepath.Join(root, "functions", "Tick"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "functions", "Tick", "function.json"), []byte(`{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 0 0 1 1 *"}]}`), 0o644)
	logPath := filepath.Join(t.TempDir(), "log.jsonl")
	h, err := New(Options{Root: root, Handler: testHandler(t), Addr: "127.0.0.1:0", Env: []string{"TESTHANDLER_LOG=" + logPath}, Log: testenv.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitFor(t, 10*time.Second, "the host", func() bool { return h.Addr() != nil && h.HandlerPID() != 0 })
	resp, err := http.Post("http://"+h.Addr().String()+"/admin/functions/Tick", "application/json", strings.NewReader(`{"input":""}`))
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("admin timer: %v %v", resp, err)
	}
	waitFor(t, 10*time.Second, "the timer run", func() bool {
		data, _ := os.ReadFile(logPath)
		return strings.Contains(string(data), `"kind":"timer"`)
	})
}

func TestStartupFailuresAreClear(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	_ = os.WriteFile(filepath.Join(root, "host.json"), []byte(testHostJSON), 0o644)
	_ = os.MkdirAll(filepath.Join(root, "functions", "Item"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "functions", "Item", "function.json"), []byte(testFunctions["Item"]), 0o644)
	tests := []struct {
		name string
		exe  string
		args []string
		want string
	}{
		{"never listens", "/bin/sleep", []string{"30"}, "did not listen"},
		{"exits at once", "/bin/false", nil, "exited before listening"},
		{"missing executable", filepath.Join(root, "nope"), nil, "start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := New(Options{Root: root, Handler: tt.exe, HandlerArgs: tt.args, Addr: "127.0.0.1:0", StartupTimeout: time.Second, Log: testenv.Logger(t)})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = h.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error saying %q", err, tt.want)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v to give up", time.Since(start))
			}
		})
	}
}

// As on Azure, the Logs of an invocation whose answer is not 2xx are dropped
// (the host never reads a failed answer's body): what a handler needs seen
// after a failure must be in its own log. The host says how many it dropped.
func TestFailedInvocationLogsAreDropped(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	r := startRig(t, []string{"Work"}, func(o *Options) {
		o.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	r.publish("logs-1", `{"action":"failUntil","n":2}`)
	waitFor(t, 15*time.Second, "the second delivery", func() bool { return len(r.records("queue")) == 2 })
	waitFor(t, 10*time.Second, "the completion", func() bool { st := r.queueStatus(t); return st.Active == 0 && st.Locked == 0 })
	var printed []string
	var dropped []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("host log line %q: %v", line, err)
		}
		switch rec["msg"] {
		case "devhost: function log":
			printed = append(printed, fmt.Sprint(rec["line"]))
		case "devhost: function logs dropped":
			dropped = append(dropped, rec)
		}
	}
	if want := "[testhandler: logs-1 delivery 2]"; fmt.Sprint(printed) != want {
		t.Errorf("printed function logs %q, want %s (only the succeeded invocation's)", printed, want)
	}
	if len(dropped) != 1 || dropped[0]["lines"] != float64(1) || dropped[0]["status"] != float64(500) || dropped[0]["function"] != "Work" {
		t.Errorf("drop records: %v", dropped)
	}
}
