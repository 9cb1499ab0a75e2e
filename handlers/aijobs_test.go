package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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
	ai, err := openai.New(openai.Config{BaseURL: slow.URL, APIKey: "k", ChatModel: "gpt-test", Timeout: 50 * time.Millisecond, MaxAttempts: 2, MaxRetryDelay: time.Millisecond})
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

// Posters: the job renders, stores and attaches them; an edit re-renders one
// as a new image and keeps the old.
func TestImageGenerate(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "poster@example.com", "010-1111-0003")
	id := draftWithPlan(t, f, acct) // uses fake images; now real ones
	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/images", acct.access, map[string]any{"styles": []string{"FANCY"}, "platforms": []string{"KAKAO", "NAVER"}, "brandColor": "#2E86C1"})
	msgs := streamMessages(t, f, queue.ImageGenerationJobs)
	if rec := deliver(t, f, "ImageGenerate", msgs[len(msgs)-1], 1); rec.Code != 200 {
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
	msgs = streamMessages(t, f, queue.ImageGenerationJobs)
	if rec := deliver(t, f, "ImageGenerate", msgs[len(msgs)-1], 1); rec.Code != 200 {
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
