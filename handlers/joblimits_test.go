package handlers

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/queue"
)

// jobMessage is the queued message of one job.
func jobMessage(t *testing.T, f fixture, q string, job uuid.UUID) queue.Entry {
	t.Helper()
	for _, m := range streamMessages(t, f, q) {
		var body struct {
			JobID uuid.UUID `json:"jobId"`
		}
		if json.Unmarshal(m.Body, &body) == nil && body.JobID == job {
			return m
		}
	}
	t.Fatalf("no %s message for job %s", q, job)
	return queue.Entry{}
}

// relogin moves the clock and signs in again (the access token lasts 15 minutes).
func relogin(t *testing.T, f fixture, acct *account, email string, d time.Duration) {
	t.Helper()
	f.clock.Advance(d)
	_, out := login(t, f, email, goodPassword)
	acct.access = out["accessToken"].(string)
}

// wantJobLimit checks a 429 with the code; AI_001 names the running job,
// AI_002 says when the next day starts.
func wantJobLimit(t *testing.T, rec *httptest.ResponseRecorder, code string, running uuid.UUID) {
	t.Helper()
	wantProblem(t, rec, 429, code)
	var p map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	switch code {
	case event.CodeJobRunning:
		if p["jobId"] != running.String() {
			t.Errorf("AI_001 names job %v, want %s", p["jobId"], running)
		}
	case event.CodeJobQuota:
		secs, err := strconv.Atoi(rec.Header().Get("Retry-After"))
		if err != nil || secs < 1 || secs > 86400 || p["retryAfterSeconds"] != float64(secs) {
			t.Errorf("AI_002: Retry-After %q, retryAfterSeconds %v", rec.Header().Get("Retry-After"), p["retryAfterSeconds"])
		}
	}
}

// One plan job in flight per event: a second request while one runs is
// AI_001 naming it; completion, failure, or the job's expiry (a crashed
// worker, JOB_TIMEOUT_MINUTES) frees the slot. A daily quota per owner
// (all events) answers AI_002 until midnight in Seoul.
func TestPlanJobsOneInFlightAndDailyQuota(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), jobQuota: [2]int{4, 10}})
	ctx := context.Background()
	const email = "quota@example.com"
	acct := register(t, f, email, "010-1111-0071")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	id := ev["eventId"].(string)
	plans := func() (*httptest.ResponseRecorder, map[string]any) {
		return call(t, f.srv, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
	}

	a := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
	rec, _ := plans()
	wantJobLimit(t, rec, event.CodeJobRunning, a)
	if rec := deliver(t, f, "RecommendationGenerate", jobMessage(t, f, queue.AIRecommendationJobs, a), 1); rec.Code != 200 {
		t.Fatalf("RecommendationGenerate: %d %s", rec.Code, rec.Body)
	}
	b := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil) // completion freed the slot
	if err := f.events.FailJob(ctx, b, "the worker gave up"); err != nil {
		t.Fatal(err)
	}
	c := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil) // so did failure
	// c's worker died: the slot stays taken until the job expires ...
	relogin(t, f, &acct, email, 9*time.Minute)
	rec, _ = plans()
	wantJobLimit(t, rec, event.CodeJobRunning, c)
	// ... and then frees itself; the dead job is settled so its poll ends.
	relogin(t, f, &acct, email, 2*time.Minute)
	d := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
	if _, j := call(t, f.srv, "GET", "/api/v1/jobs/"+c.String(), acct.access, nil); j["status"] != "FAILED" {
		t.Errorf("the expired job: %v", j)
	}
	if rec := deliver(t, f, "RecommendationGenerate", jobMessage(t, f, queue.AIRecommendationJobs, d), 1); rec.Code != 200 {
		t.Fatalf("RecommendationGenerate: %d %s", rec.Code, rec.Body)
	}
	// Four plan jobs today: the fifth is refused, on any of the owner's events.
	rec, _ = plans()
	wantJobLimit(t, rec, event.CodeJobQuota, uuid.Nil)
	_, ev2 := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "AWARENESS"})
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+ev2["eventId"].(string)+"/ai-recommendations", acct.access, nil)
	wantJobLimit(t, rec, event.CodeJobQuota, uuid.Nil)
	// Another owner has a quota of their own.
	other := register(t, f, "quota2@example.com", "010-1111-0072")
	_, ev3 := call(t, f.srv, "POST", "/api/v1/events/objectives", other.access, map[string]string{"objective": "REVISIT"})
	requestJob(t, f, "POST", "/api/v1/events/"+ev3["eventId"].(string)+"/ai-recommendations", other.access, nil)
	// After midnight in Seoul the quota is whole again.
	secs, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
	relogin(t, f, &acct, email, time.Duration(secs)*time.Second)
	requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
}

// Posters and their edits share one slot per event and one quota per owner.
func TestPosterJobsOneInFlightAndDailyQuota(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), jobQuota: [2]int{10, 3}})
	acct := register(t, f, "pquota@example.com", "010-1111-0073")
	id := draftWithPlan(t, f, acct) // one poster job, completed
	_, imgs := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	edit := "/api/v1/events/" + id + "/images/" + imgs[0]["imageId"].(string) + "/edit"

	p := requestJob(t, f, "POST", "/api/v1/events/"+id+"/images", acct.access, map[string]any{"styles": []string{"SIMPLE"}, "platforms": []string{"KAKAO"}})
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/images", acct.access, nil)
	wantJobLimit(t, rec, event.CodeJobRunning, p)
	rec, _ = call(t, f.srv, "PUT", edit, acct.access, map[string]any{"title": "새 제목"})
	wantJobLimit(t, rec, event.CodeJobRunning, p)
	if rec := deliver(t, f, "ImageGenerate", jobMessage(t, f, queue.ImageGenerationJobs, p), 1); rec.Code != 200 {
		t.Fatalf("ImageGenerate: %d %s", rec.Code, rec.Body)
	}
	e := requestJob(t, f, "PUT", edit, acct.access, map[string]any{"title": "새 제목"})
	if rec := deliver(t, f, "ImageGenerate", jobMessage(t, f, queue.ImageGenerationJobs, e), 1); rec.Code != 200 {
		t.Fatalf("ImageGenerate: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, f.srv, "PUT", edit, acct.access, map[string]any{"title": "또 새 제목"})
	wantJobLimit(t, rec, event.CodeJobQuota, uuid.Nil)
	// The plan quota is separate.
	requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, nil)
}

// stalledThenNewer queues job A at path and starts its worker, which then
// stalls; past JOB_TIMEOUT_MINUTES (A's slot expired) it queues job B.
func stalledThenNewer(t *testing.T, f fixture, acct *account, email, path string, bodyA, bodyB any) (a, b uuid.UUID) {
	t.Helper()
	a = requestJob(t, f, "POST", path, acct.access, bodyA)
	if _, err := f.events.BeginJob(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	relogin(t, f, acct, email, 11*time.Minute)
	return a, requestJob(t, f, "POST", path, acct.access, bodyB)
}

// A late job never replaces what a newer one wrote: job A stalls, its slot
// expires, B runs and the owner picks one of B's plans; then A finishes
// (and is delivered again): the event still shows B's plans and the pick.
func TestLateRecommendationJobDoesNotWipeNewerPlans(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	ctx := context.Background()
	const email = "late@example.com"
	acct := register(t, f, email, "010-1111-0074")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	id := ev["eventId"].(string)
	a, b := stalledThenNewer(t, f, &acct, email, "/api/v1/events/"+id+"/ai-recommendations", nil, map[string]any{"budget": 3_000_000})
	if rec := deliver(t, f, "RecommendationGenerate", jobMessage(t, f, queue.AIRecommendationJobs, b), 1); rec.Code != 200 {
		t.Fatalf("B: %d %s", rec.Code, rec.Body)
	}
	_, got := call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	ids := func(ev map[string]any) string {
		var out []string
		for _, r := range ev["recommendations"].([]any) {
			out = append(out, r.(map[string]any)["recommendationId"].(string))
		}
		return strings.Join(out, ",")
	}
	fromB := ids(got)
	pick := got["recommendations"].([]any)[1].(map[string]any)["recommendationId"].(string)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/recommendations", acct.access, map[string]any{"recommendationId": pick}); rec.Code != 200 {
		t.Fatalf("select: %d %s", rec.Code, rec.Body)
	}
	check := func(when string) {
		t.Helper()
		_, now := call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
		if ids(now) != fromB || now["selectedRecommendationId"] != pick {
			t.Fatalf("%s: plans %s (want B's %s), selected %v (want %s)", when, ids(now), fromB, now["selectedRecommendationId"], pick)
		}
	}
	msgA := jobMessage(t, f, queue.AIRecommendationJobs, a)
	if rec := deliver(t, f, "RecommendationGenerate", msgA, 2); rec.Code != 200 {
		t.Fatalf("A: %d %s", rec.Code, rec.Body)
	}
	check("A finished after B")
	if rec := deliver(t, f, "RecommendationGenerate", msgA, 3); rec.Code != 200 {
		t.Fatalf("A again: %d %s", rec.Code, rec.Body)
	}
	check("A delivered again")
	if _, j := call(t, f.srv, "GET", "/api/v1/jobs/"+a.String(), acct.access, nil); j["status"] != "FAILED" {
		t.Errorf("A: %v", j)
	}
	// Even a stale job still marked PROCESSING (as an instance of an older
	// release could leave it) cannot write: B is the event's latest plan job.
	if _, err := f.db.Exec(ctx, `UPDATE events.jobs SET status = 'PROCESSING', completed_at = NULL WHERE job_id = $1`, a); err != nil {
		t.Fatal(err)
	}
	if rec := deliver(t, f, "RecommendationGenerate", msgA, 4); rec.Code != 200 {
		t.Fatalf("A revived: %d %s", rec.Code, rec.Body)
	}
	check("a revived A")
}

// The same for posters: a late poster job adds nothing beside the newer
// job's posters.
func TestLateImageJobDoesNotAddToNewerPosters(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	const email = "lateimg@example.com"
	acct := register(t, f, email, "010-1111-0075")
	id := draftWithPlan(t, f, acct)
	a, b := stalledThenNewer(t, f, &acct, email, "/api/v1/events/"+id+"/images",
		map[string]any{"styles": []string{"SIMPLE"}, "platforms": []string{"NAVER"}}, map[string]any{"styles": []string{"FANCY"}, "platforms": []string{"KAKAO"}})
	if rec := deliver(t, f, "ImageGenerate", jobMessage(t, f, queue.ImageGenerationJobs, b), 1); rec.Code != 200 {
		t.Fatalf("B: %d %s", rec.Code, rec.Body)
	}
	_, before := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	if rec := deliver(t, f, "ImageGenerate", jobMessage(t, f, queue.ImageGenerationJobs, a), 2); rec.Code != 200 {
		t.Fatalf("A: %d %s", rec.Code, rec.Body)
	}
	_, after := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	for _, img := range after {
		if strings.Contains(img["imageUrl"].(string), a.String()) {
			t.Errorf("the late job added %v", img["imageUrl"])
		}
	}
	if len(after) != len(before) {
		t.Errorf("images %d -> %d after the late job", len(before), len(after))
	}
}
