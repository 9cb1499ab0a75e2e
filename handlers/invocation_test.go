package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/queue"
)

// errPermanentForTest is what a consumer returns for an input that can
// never succeed.
var errPermanentForTest = apperr.Permanent(apperr.Invalidf("TEST_001", "can never succeed"))

// The retry rule (settle) over every kind of failure, and what the host
// is answered for each: a queue message is completed (200), recorded as
// poison and completed, or failed for redelivery (500); a timer has no
// message to record, so a permanent failure just completes it.
func TestInvocationRetryRule(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	var mu sync.Mutex
	fail := map[string]error{} // by message id; the timer's under "timer"
	result := func(key string) error {
		mu.Lock()
		defer mu.Unlock()
		return fail[key]
	}
	f.srv.queueFunc("TestConsumer", "test-queue", func(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
		m, err := inv.Message()
		if err != nil {
			return err
		}
		return result(m.MessageID)
	})
	f.srv.timerFunc("TestTimer", func(w http.ResponseWriter, r *http.Request, inv *Invocation) error {
		if _, err := inv.Timer(); err != nil {
			return err
		}
		return result("timer")
	})
	invalid := apperr.Invalidf("TEST_001", "not marked")
	tests := []struct {
		name     string
		err      error
		want     settlement
		queue    int  // the queue invocation's answer
		recorded bool // the message is in outbox.poison_messages
		timer    int  // the timer invocation's answer
	}{
		{"success", nil, settleComplete, 200, false, 200},
		{"permanent", errPermanentForTest, settlePoison, 200, true, 200},
		{"permanent, wrapped by the consumer", fmt.Errorf("job 7: %w", errPermanentForTest), settlePoison, 200, true, 200},
		{"permanent whatever its kind", apperr.Permanent(apperr.NotFoundf("TEST_404", "no such job")), settlePoison, 200, true, 200},
		{"permanent plain error", apperr.Permanent(errors.New("unknown objective")), settlePoison, 200, true, 200},
		{"invalid, not marked", invalid, settleRetry, 500, false, 500},
		{"transient", apperr.Wrap(errors.New("refused"), apperr.Unavailable, "TEST_503", "down"), settleRetry, 500, false, 500},
		{"context deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), settleRetry, 500, false, 500},
		{"context canceled", context.Canceled, settleRetry, 500, false, 500},
		{"unclassified", errors.New("boom"), settleRetry, 500, false, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := settle(tt.err); got != tt.want {
				t.Errorf("settle = %v, want %v", got, tt.want)
			}
			id := "retry-rule-" + uuid.NewString()
			mu.Lock()
			fail[id] = tt.err
			mu.Unlock()
			rec := deliver(t, f, "TestConsumer", queue.Entry{Message: queue.Message{ID: id, Body: json.RawMessage(`{"n":1}`)}}, 2)
			if rec.Code != tt.queue {
				t.Errorf("queue: got %d %s, want %d", rec.Code, rec.Body, tt.queue)
			}
			var reply invocationReply
			if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil || reply.Logs == nil {
				t.Errorf("queue: not an invocation reply: %s", rec.Body)
			}
			var n int
			var consumer, reason, body string
			if err := f.db.QueryRow(context.Background(), `SELECT count(*), coalesce(max(consumer), ''), coalesce(max(reason), ''), coalesce(max(body), '')
				FROM outbox.poison_messages WHERE message_id = $1`, id).Scan(&n, &consumer, &reason, &body); err != nil {
				t.Fatal(err)
			}
			if got := n == 1; got != tt.recorded || n > 1 {
				t.Errorf("recorded as poison %d times, want %v", n, tt.recorded)
			}
			if tt.recorded && (consumer != "TestConsumer" || reason != tt.err.Error() || !strings.Contains(body, `"n":1`)) {
				t.Errorf("recorded %s / %s / %s", consumer, reason, body)
			}
			if tt.recorded && !strings.Contains(fmt.Sprint(reply.Logs), "poison input acknowledged") {
				t.Errorf("the reply's Logs do not say the input was acknowledged: %v", reply.Logs)
			}
		})
	}
	// One timer at a time: they share the "timer" entry.
	for _, tt := range tests {
		mu.Lock()
		fail["timer"] = tt.err
		mu.Unlock()
		rec := do(t, f.srv, "POST", "/TestTimer", strings.NewReader(string(readFixture(t, "timer.json"))), "Content-Type", "application/json")
		if rec.Code != tt.timer {
			t.Errorf("%s: timer: got %d %s, want %d", tt.name, rec.Code, rec.Body, tt.timer)
		}
	}
}

// What the invocation decoders refuse is permanent: the host would send
// the same input again.
func TestMalformedInvocationInputIsPermanent(t *testing.T) {
	t.Parallel()
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	tests := []struct {
		name string
		inv  Invocation
		read func(*Invocation) error
	}{
		{"queue input missing", Invocation{Data: map[string]json.RawMessage{}, Metadata: map[string]json.RawMessage{"MessageId": raw(`"m1"`)}},
			func(inv *Invocation) error { _, err := inv.Message(); return err }},
		{"no MessageId", Invocation{Data: map[string]json.RawMessage{"msg": raw(`"{}"`)}, Metadata: map[string]json.RawMessage{}},
			func(inv *Invocation) error { _, err := inv.Message(); return err }},
		{"body not the expected JSON", Invocation{Data: map[string]json.RawMessage{"msg": raw(`"[1,2]"`)}, Metadata: map[string]json.RawMessage{"MessageId": raw(`"m1"`)}},
			func(inv *Invocation) error {
				var v struct{ JobID uuid.UUID }
				_, err := decodeMessage(inv, &v, func() uuid.UUID { return v.JobID })
				return err
			}},
		{"body names no job", Invocation{Data: map[string]json.RawMessage{"msg": raw(`"{}"`)}, Metadata: map[string]json.RawMessage{"MessageId": raw(`"m1"`)}},
			func(inv *Invocation) error {
				var v struct{ JobID uuid.UUID }
				_, err := decodeMessage(inv, &v, func() uuid.UUID { return v.JobID })
				return err
			}},
		{"timer input missing", Invocation{Data: map[string]json.RawMessage{}},
			func(inv *Invocation) error { _, err := inv.Timer(); return err }},
		{"timer input malformed", Invocation{Data: map[string]json.RawMessage{"timer": raw(`[]`)}},
			func(inv *Invocation) error { _, err := inv.Timer(); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read(&tt.inv)
			if got := settle(err); got != settlePoison {
				t.Errorf("settle(%v) = %v, want %v", err, got, settlePoison)
			}
			if e := apperr.As(err); e.Kind != apperr.Invalid || e.Code != codeBadRequest {
				t.Errorf("classified %v %s, want Invalid %s", e.Kind, e.Code, codeBadRequest)
			}
		})
	}
}

// Every queue function records and completes a message that can never
// be processed: one its decoder refuses, or a well-formed one its domain
// marks permanent.
func TestQueueFunctionsSettlePermanentFailures(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	tests := []struct {
		function string
		body     string
	}{
		{"RecommendationGenerate", `{"jobId":"` + uuid.NewString() + `"}`},                   // no such job
		{"ImageGenerate", `{"jobId":"` + uuid.NewString() + `"}`},                            // no such job
		{"WinnerNotify", `{"eventId":"` + uuid.NewString() + `","participantId":"P-0001"}`},  // never queued
		{"ChannelDistribute", `{"eventId":"` + uuid.NewString() + `","channel":"MYSPACE"}`},  // not a channel
		{"AnalyticsIngest", `{"type":"SomethingElse","eventId":"` + uuid.NewString() + `"}`}, // not recorded
		{"RecommendationGenerate", `{"jobId":"not-a-uuid"}`},                                 // not the expected JSON
		{"ChannelDistribute", `{"channel":"KAKAO"}`},                                         // names no job
		{"WinnerNotify", `["eventId"]`},                                                      // not the expected JSON
		{"AnalyticsIngest", `{"type":"EventCreated"}`},                                       // no event
	}
	for i, tt := range tests {
		id := fmt.Sprintf("never-%d-%s", i, uuid.NewString()[:8])
		rec := deliver(t, f, tt.function, queue.Entry{Message: queue.Message{ID: id, Body: json.RawMessage(tt.body)}}, 1)
		var n int
		if err := f.db.QueryRow(context.Background(), "SELECT count(*) FROM outbox.poison_messages WHERE message_id = $1 AND consumer = $2", id, tt.function).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if rec.Code != 200 || n != 1 {
			t.Errorf("%s %s: answered %d, recorded %d times; want 200, once", tt.function, tt.body, rec.Code, n)
		}
	}
}
