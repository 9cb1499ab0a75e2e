package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

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

// newJobServer is the fixture for tests of what a job does, not of how long
// it may take: its invocations run until the test binary's own deadline (go
// test -timeout), so only a hung job ends one, never a slow machine. Under
// -race on a loaded box, rendering posters overran the 5 s invocations the
// fixture once had. Tests of deadlines set their own (async_test.go).
func newJobServer(t *testing.T, ai *openai.Client) fixture {
	t.Helper()
	o := fixtureOpts{users: testUserConfig(), ai: ai, invocationTimeout: time.Hour} // go test -timeout 0
	if dl, ok := t.Deadline(); ok {
		o.invocationTimeout = time.Until(dl)
	}
	return newServerOpts(t, o)
}

// queuedJob is job's message on queue q, as the host would deliver it.
// Whatever the outbox has not sent yet (an immediate send cut short by its
// timeout on a loaded machine) is relayed first.
func queuedJob(t *testing.T, f fixture, q string, job uuid.UUID) queue.Entry {
	t.Helper()
	if _, err := f.outbox.Relay(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	return jobMessage(t, f, q, job)
}

func TestRecommendationGenerateBuiltin(t *testing.T) {
	t.Parallel()
	f := newJobServer(t, nil)
	acct := register(t, f, "plan@example.com", "010-1111-0001")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	id := ev["eventId"].(string)
	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
	msg := queuedJob(t, f, queue.AIRecommendationJobs, job)

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
	if err := f.db.QueryRow(context.Background(), "SELECT count(*) FROM outbox.poison_messages WHERE message_id = 'bad-1'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the poison message was recorded %d times, want once", n)
	}
}

// An AI endpoint that times out: the built-in planner stands in and the job
// says so. The endpoint answers only once the client has given up, so the
// timeout is certain however slow the machine; the job's deadline is far
// enough that the AI is really asked (a deadline inside the fallback
// budget skips it, with the same reason).
func TestRecommendationGenerateFallbackRecorded(t *testing.T) {
	t.Parallel()
	var asked atomic.Int64
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		_, _ = io.Copy(io.Discard, r.Body) // read: only then does the server notice the client leave
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	ai, err := openai.New(openai.Config{BaseURL: slow.URL, APIKey: "k", ChatModel: "gpt-test", Timeout: 50 * time.Millisecond, MaxAttempts: 2, MaxRetryDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	f := newJobServer(t, ai)
	acct := register(t, f, "slow@example.com", "010-1111-0002")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "AWARENESS"})
	job := requestJob(t, f, "POST", "/api/v1/events/"+ev["eventId"].(string)+"/ai-recommendations", acct.access, map[string]any{"region": "부산 해운대구"})
	if rec := deliver(t, f, "RecommendationGenerate", queuedJob(t, f, queue.AIRecommendationJobs, job), 1); rec.Code != 200 {
		t.Fatalf("RecommendationGenerate: %d %s", rec.Code, rec.Body)
	}
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "COMPLETED" || j["generator"] != "builtin" || j["fallbackReason"] != "AI endpoint timed out" || asked.Load() == 0 {
		t.Fatalf("job: %v; the AI was asked %d times", j, asked.Load())
	}
}

// Posters: the job renders, stores and attaches them; an edit re-renders one
// as a new image and keeps the old.
func TestImageGenerate(t *testing.T) {
	t.Parallel()
	f := newJobServer(t, nil)
	acct := register(t, f, "poster@example.com", "010-1111-0003")
	id := draftWithPlan(t, f, acct) // uses fake images; now real ones
	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/images", acct.access, map[string]any{"styles": []string{"FANCY"}, "platforms": []string{"KAKAO", "NAVER"}, "brandColor": "#2E86C1"})
	if rec := deliver(t, f, "ImageGenerate", queuedJob(t, f, queue.ImageGenerationJobs, job), 1); rec.Code != 200 {
		t.Fatalf("ImageGenerate: %d %s", rec.Code, rec.Body)
	}
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "COMPLETED" || j["generator"] != "builtin" || j["progress"] != float64(100) {
		t.Fatalf("job: %v", j)
	}
	_, imgs := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	var made []map[string]any
	for _, img := range imgs {
		if strings.HasPrefix(img["imageUrl"].(string), "http://127.0.0.1:10000/") {
			made = append(made, img)
		}
	}
	if len(made) != 2 || made[0]["style"] != "FANCY" || made[0]["platform"] != "NAVER" || made[0]["height"] != float64(600) || made[1]["height"] != float64(800) {
		t.Fatalf("images: %v", made)
	}
	made[0], made[1] = made[1], made[0] // KAKAO, NAVER
	resp, err := http.Get(made[0]["imageUrl"].(string))
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("fetch poster: %v %v", resp, err)
	}
	resp.Body.Close()

	// Edit the NAVER one: a new 800x600 poster from the stored spec.
	editJob := requestJob(t, f, "PUT", "/api/v1/events/"+id+"/images/"+made[1]["imageId"].(string)+"/edit", acct.access, map[string]any{"title": "수정된 제목", "backgroundColor": "#000000"})
	if rec := deliver(t, f, "ImageGenerate", queuedJob(t, f, queue.ImageGenerationJobs, editJob), 1); rec.Code != 200 {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body)
	}
	_, j = call(t, f.srv, "GET", "/api/v1/jobs/"+editJob.String(), acct.access, nil)
	_, after := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	if j["status"] != "COMPLETED" || len(after) != len(imgs)+1 {
		t.Fatalf("edit job %v, images %d -> %d", j, len(imgs), len(after))
	}
	var last map[string]any
	for _, img := range after {
		if strings.Contains(img["imageUrl"].(string), editJob.String()) {
			last = img
		}
	}
	if last == nil || last["platform"] != "NAVER" || last["style"] != "FANCY" || last["imageUrl"] == made[1]["imageUrl"] {
		t.Errorf("edited image: %v", last)
	}
}
