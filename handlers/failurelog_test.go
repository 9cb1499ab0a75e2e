package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
)

// logRecords parses the JSON log and returns the records carrying invocation id.
func logRecords(t *testing.T, f fixture, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["invocationId"] == id {
			out = append(out, rec)
		}
	}
	return out
}

// The host drops the Logs of an invocation whose answer is a failure, so
// every failure must be in our own log: once, at error level, with the
// invocation id, the function, the error's kind, code and message, and the
// lines the invocation had put in Logs. A refused request (4xx) is a normal
// outcome, logged at info.
func TestFailuresReachTheLog(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	f.srv.queueFunc("TestFailingConsumer", "test-queue", func(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
		m, err := inv.Message()
		if err != nil {
			return err
		}
		inv.Logf("took message %s (delivery %d)", m.MessageID, m.DeliveryCount)
		inv.Logf("calling the test dependency")
		return apperr.Wrap(errors.New("broker said no"), apperr.Unavailable, "TEST_503", "the test dependency is down")
	})
	f.srv.queueFunc("TestPoisonConsumer", "test-queue", func(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
		inv.Logf("read a body that can never succeed")
		return errPermanentForTest
	})
	f.srv.timerFunc("TestPanickingTimer", func(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
		inv.Logf("before the panic")
		panic("timer exploded")
	})
	queueBody := readFixture(t, "servicebus-redelivered.json")
	timerBody := readFixture(t, "timer.json")
	// A fresh event id each: a miss is cached, and the 500 must reach Postgres.
	missing := func() string { return "/api/v1/public/events/" + uuid.NewString() }

	tests := []struct {
		name       string
		closeDB    bool // Postgres goes away before this call
		method     string
		path       string
		body       []byte
		wantStatus int
		wantLevel  string // of the one record at warn or above; "" when there must be none
		function   string
		kind, code string
		errText    string
		logs       []string
	}{
		{"queue failure asks for a retry", false, "POST", "/TestFailingConsumer", queueBody, 500, "ERROR", "TestFailingConsumer",
			"Unavailable", "TEST_503", "broker said no",
			[]string{"took message dist-5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11-INSTAGRAM (delivery 4)", "calling the test dependency"}},
		{"malformed invocation", false, "POST", "/TestFailingConsumer", []byte(`{"Data":`), 400, "ERROR", "TestFailingConsumer",
			"Invalid", codeBadRequest, "malformed JSON", nil},
		{"panicking timer", false, "POST", "/TestPanickingTimer", timerBody, 500, "ERROR", "TestPanickingTimer",
			"Internal", codeInternal, "timer exploded", []string{"before the panic"}},
		{"HTTP 4xx is a normal outcome", false, "GET", missing(), nil, 404, "", "EventPublicGet", "", "", "", nil},
		{"timer failure with Postgres gone", true, "POST", "/ChannelStatsCollect", timerBody, 500, "ERROR", "ChannelStatsCollect",
			"Internal", codeInternal, "closed pool", []string{"channel metrics: 0 live posts, 0 collected, 0 failed"}},
		{"poison not recorded with Postgres gone", true, "POST", "/TestPoisonConsumer", queueBody, 500, "ERROR", "TestPoisonConsumer",
			"Internal", codeInternal, "closed pool", []string{"read a body that can never succeed"}},
		{"HTTP 500 with Postgres gone", true, "GET", missing(), nil, 500, "ERROR", "EventPublicGet",
			"Internal", codeInternal, "closed pool", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.closeDB {
				f.db.Close()
			}
			id := fmt.Sprintf("failure-log-%d-%s", i, uuid.NewString()[:8])
			var body *bytes.Reader
			if tt.body != nil {
				body = bytes.NewReader(tt.body)
			} else {
				body = bytes.NewReader(nil)
			}
			rec := do(t, f.srv, tt.method, tt.path, body, "Content-Type", "application/json", invocationHeader, id)
			if rec.Code != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", rec.Code, rec.Body, tt.wantStatus)
			}
			records := logRecords(t, f, id)
			if len(records) == 0 {
				t.Fatalf("no log record carries invocation id %s:\n%s", id, f.logs.String())
			}
			var loud []map[string]any
			for _, r := range records {
				if r["level"] == "ERROR" || r["level"] == "WARN" {
					loud = append(loud, r)
				}
			}
			if tt.wantLevel == "" {
				if len(loud) != 0 {
					t.Errorf("a normal outcome logged as a failure: %v", loud)
				}
				var refused bool
				for _, r := range records {
					refused = refused || (r["level"] == "INFO" && r["function"] == tt.function && r["status"] == float64(tt.wantStatus))
				}
				if !refused {
					t.Errorf("no info record with the function and status: %v", records)
				}
				return
			}
			if len(loud) != 1 {
				t.Fatalf("want exactly one failure record, got %d: %v", len(loud), loud)
			}
			got := loud[0]
			if got["level"] != tt.wantLevel || got["function"] != tt.function || got["kind"] != tt.kind || got["code"] != tt.code ||
				got["status"] != float64(tt.wantStatus) {
				t.Errorf("record %v, want level %s function %s kind %s code %s status %d", got, tt.wantLevel, tt.function, tt.kind, tt.code, tt.wantStatus)
			}
			if msg, _ := got["error"].(string); !strings.Contains(msg, tt.errText) {
				t.Errorf("error %q, want it to say %q", msg, tt.errText)
			}
			var lines []string
			if raw, ok := got["logs"].([]any); ok {
				for _, l := range raw {
					s, _ := l.(string)
					lines = append(lines, s)
				}
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.logs) {
				t.Errorf("the invocation's Logf lines in the log: %q, want %q", lines, tt.logs)
			}
		})
	}
}
