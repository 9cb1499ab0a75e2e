package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/queue"
)

// queueEnvelope wraps a broker entry the way the Functions host does.
func queueEnvelope(t *testing.T, e queue.Entry, delivery int) []byte {
	t.Helper()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	body, _ := json.Marshal(map[string]any{
		"Data": map[string]any{"msg": string(e.Body)},
		"Metadata": map[string]any{
			"MessageId": q(e.ID), "DeliveryCount": strconv.Itoa(delivery), "Subject": q(e.Subject),
			"EnqueuedTimeUtc": e.EnqueuedAt.UTC().Format("2006-01-02T15:04:05"),
		},
	})
	return body
}

func deliver(t *testing.T, f fixture, function string, e queue.Entry, delivery int) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, f.srv, "POST", "/"+function, bytes.NewReader(queueEnvelope(t, e, delivery)), "Content-Type", "application/json")
}

func TestRecommendationGenerateBuiltin(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "plan@example.com", "010-1111-0001")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	id := ev["eventId"].(string)
	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
	msg := streamMessages(t, f, queue.AIRecommendationJobs)[0]

	if rec := deliver(t, f, "RecommendationGenerate", msg, 1); rec.Code != 200 {
		t.Fatalf("RecommendationGenerate: %d %s", rec.Code, rec.Body)
	}
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "COMPLETED" || j["generator"] != "builtin" || j["fallbackReason"] != nil {
		t.Fatalf("job: %v", j)
	}
	_, got := call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	recs := got["recommendations"].([]any)
	if len(recs) != 3 || recs[0].(map[string]any)["budgetLevel"] != "LOW" || recs[0].(map[string]any)["eventName"] == "" {
		t.Fatalf("recommendations: %v", recs)
	}
	first := recs[0].(map[string]any)["recommendationId"]
	// A redelivery changes nothing.
	if rec := deliver(t, f, "RecommendationGenerate", msg, 2); rec.Code != 200 {
		t.Fatalf("redelivery: %d", rec.Code)
	}
	_, got = call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	if got["recommendations"].([]any)[0].(map[string]any)["recommendationId"] != first {
		t.Error("a duplicate delivery replaced the plans")
	}
	// A message that can never work is acknowledged and recorded.
	bad := queue.Entry{Message: queue.Message{ID: "bad-1", Body: []byte(`{"jobId": 12}`)}}
	if rec := deliver(t, f, "RecommendationGenerate", bad, 1); rec.Code != 200 {
		t.Errorf("poison: %d", rec.Code)
	}
	var n int
	_ = f.db.QueryRow(context.Background(), "SELECT count(*) FROM outbox.poison_messages WHERE message_id = 'bad-1'").Scan(&n)
	if n != 1 {
		t.Error("the poison message was not recorded")
	}
}

// An AI endpoint that times out: the built-in planner stands in and the job
// says so.
func TestRecommendationGenerateFallbackRecorded(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	t.Cleanup(slow.Close)
	ai, err := openai.New(openai.Config{BaseURL: slow.URL, APIKey: "k", ChatModel: "gpt-test", Timeout: 50 * time.Millisecond, MaxAttempts: 2, BaseBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), ai: ai})
	acct := register(t, f, "slow@example.com", "010-1111-0002")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "AWARENESS"})
	job := requestJob(t, f, "POST", "/api/v1/events/"+ev["eventId"].(string)+"/ai-recommendations", acct.access, map[string]any{"region": "부산 해운대구-" + job0()})
	if rec := deliver(t, f, "RecommendationGenerate", streamMessages(t, f, queue.AIRecommendationJobs)[0], 1); rec.Code != 200 {
		t.Fatalf("RecommendationGenerate: %d %s", rec.Code, rec.Body)
	}
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "COMPLETED" || j["generator"] != "builtin" || j["fallbackReason"] != "AI endpoint timed out" {
		t.Fatalf("job: %v", j)
	}
}

func job0() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }
