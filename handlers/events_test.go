package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/queue"
)

// fakePlans is what a generator would produce: three plans.
func fakePlans() []event.Recommendation {
	return []event.Recommendation{
		{BudgetLevel: "LOW", EventName: "단골 스탬프 두 배", Description: "방문마다 스탬프 두 배", Prize: "아메리카노", ParticipationMethod: "매장 QR", PromotionType: "STAMP", TargetAudience: "단골", EstimatedCost: 500000, ExpectedROI: 150},
		{BudgetLevel: "MID", EventName: "가을 디저트 추첨", Description: "참여자 중 추첨", Prize: "디저트 세트", ParticipationMethod: "SNS 공유", PromotionType: "DRAW", TargetAudience: "20-30대", EstimatedCost: 1000000, ExpectedROI: 200},
		{BudgetLevel: "HIGH", EventName: "연말 대축제", Description: "연말 경품 대잔치", Prize: "태블릿", ParticipationMethod: "설문", PromotionType: "DRAW", TargetAudience: "지역 주민", EstimatedCost: 2000000, ExpectedROI: 300},
	}
}

func streamMessages(t *testing.T, f fixture, q string) []queue.Entry {
	t.Helper()
	msgs, err := f.rdb.XRange(context.Background(), f.broker.Stream(q), "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var out []queue.Entry
	for _, m := range msgs {
		e, err := queue.DecodeFields(m.Values)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func jobOf(t *testing.T, rec *httptest.ResponseRecorder, out map[string]any) uuid.UUID {
	t.Helper()
	if rec.Code != 202 || out["status"] != "PENDING" {
		t.Fatalf("job request: %d %s", rec.Code, rec.Body)
	}
	return uuid.MustParse(out["jobId"].(string))
}

// draftWithPlan runs the wizard up to a selected plan and poster.
func draftWithPlan(t *testing.T, f fixture, acct account) string {
	t.Helper()
	ctx := context.Background()
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	id := ev["eventId"].(string)
	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, map[string]any{"region": "서울 강남구"})
	if _, err := f.events.BeginJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if err := f.events.CompleteRecommendations(ctx, job, fakePlans(), event.Origin{Generator: "fake"}); err != nil {
		t.Fatal(err)
	}
	_, got := call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	recID := got["recommendations"].([]any)[1].(map[string]any)["recommendationId"].(string)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/recommendations", acct.access,
		map[string]any{"recommendationId": recID, "startDate": "2026-11-25", "endDate": "2026-12-10"}); rec.Code != 200 {
		t.Fatalf("select plan: %d %s", rec.Code, rec.Body)
	}
	job = requestJob(t, f, "POST", "/api/v1/events/"+id+"/images", acct.access, nil)
	if _, err := f.events.BeginJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	var imgs []event.NewImage
	for _, st := range event.Styles {
		imgs = append(imgs, event.NewImage{Style: st, Platform: "INSTAGRAM", URL: "http://blob/" + st + ".png", Width: 1080, Height: 1080})
	}
	if err := f.events.CompleteImages(ctx, job, imgs, event.Origin{Generator: "fake"}); err != nil {
		t.Fatal(err)
	}
	_, list := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/images/"+list[0]["imageId"].(string)+"/select", acct.access, nil); rec.Code != 200 {
		t.Fatalf("select image: %d", rec.Code)
	}
	return id
}

// requestJob sends a request that must answer 202 with a pending job.
func requestJob(t *testing.T, f fixture, method, path, token string, body any) uuid.UUID {
	t.Helper()
	rec, out := call(t, f.srv, method, path, token, body)
	return jobOf(t, rec, out)
}

func callList(t *testing.T, f fixture, method, path, token string) (*httptest.ResponseRecorder, []map[string]any) {
	t.Helper()
	rec, _ := call(t, f.srv, method, path, token, nil)
	var out []map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

var goodChannels = map[string]any{
	"channels": []string{"INSTAGRAM", "URIDONGNETV", "RINGOBIZ"},
	"settings": map[string]any{
		"URIDONGNETV": map[string]any{"radius": "1km", "timeSlot": "evening"},
		"RINGOBIZ":    map[string]any{"phoneNumber": storeLine},
		"INSTAGRAM":   map[string]any{"scheduledTime": "2026-11-25T09:00:00+09:00"},
	},
}

func publishedEvent(t *testing.T, f fixture, acct account) string {
	t.Helper()
	return publishedOn(t, f, acct, goodChannels)
}

// publishedOn runs the wizard to a published event with the given channel choice.
// storeLine is the stores' own number in the tests: RINGOBIZ takes only
// a store's verified line (verifyStoreLine).
const storeLine = "010-5555-1234"

// verifyStoreLine records storeLine as the account's verified store line,
// as StorePhoneVerificationConfirm does after a right code.
func verifyStoreLine(t *testing.T, f fixture, acct account) {
	t.Helper()
	if _, err := f.users.SetVerifiedStorePhone(context.Background(), uuid.MustParse(acct.storeID), "01055551234"); err != nil {
		t.Fatal(err)
	}
}

func publishedOn(t *testing.T, f fixture, acct account, channels map[string]any) string {
	t.Helper()
	id := draftWithPlan(t, f, acct)
	verifyStoreLine(t, f, acct)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, channels); rec.Code != 200 {
		t.Fatalf("channels: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", acct.access, nil); rec.Code != 200 {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	return id
}

func TestEventWizard(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	ctx := context.Background()
	acct := register(t, f, "wizard@example.com", "010-1000-2000")

	rec, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "NEW_CUSTOMERS"})
	if rec.Code != 201 || ev["status"] != "DRAFT" || ev["storeId"] != acct.storeID || ev["userId"] != acct.userID || ev["drawCommitment"] != nil {
		t.Fatalf("create: %d %v", rec.Code, ev)
	}
	id := ev["eventId"].(string)

	// Plans: 202 at once, the message on its queue, the job polled to the end.
	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", acct.access, map[string]any{"budget": 1500000})
	msgs := streamMessages(t, f, queue.AIRecommendationJobs)
	var planMsg event.RecommendationJob
	if len(msgs) != 1 || json.Unmarshal(msgs[0].Body, &planMsg) != nil || planMsg.JobID != job || planMsg.Industry != "카페" ||
		planMsg.Region != "서울 강남구" || planMsg.Budget != 1500000 || planMsg.Objective != "NEW_CUSTOMERS" {
		t.Fatalf("plan message: %+v (%d messages)", planMsg, len(msgs))
	}
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "PENDING" || j["jobType"] != "AI_RECOMMENDATION" || j["progress"] != float64(0) {
		t.Fatalf("job: %v", j)
	}
	if _, err := f.events.BeginJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if err := f.events.SetProgress(ctx, job, 60); err != nil {
		t.Fatal(err)
	}
	_, j = call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "PROCESSING" || j["progress"] != float64(60) {
		t.Fatalf("job while running: %v", j)
	}
	// Posters need a chosen plan first.
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/images", acct.access, nil)
	wantProblem(t, rec, 409, event.CodeNeedsPlanning)
	if err := f.events.CompleteRecommendations(ctx, job, fakePlans(), event.Origin{Generator: "fake"}); err != nil {
		t.Fatal(err)
	}
	if err := f.events.CompleteRecommendations(ctx, job, fakePlans(), event.Origin{Generator: "fake"}); err != event.ErrJobSettled {
		t.Errorf("a duplicate completion: %v, want ErrJobSettled", err)
	}
	_, j = call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "COMPLETED" || j["progress"] != float64(100) {
		t.Fatalf("job done: %v", j)
	}
	_, ev = call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	recs := ev["recommendations"].([]any)
	if len(recs) != 3 || recs[0].(map[string]any)["budgetLevel"] != "LOW" || recs[2].(map[string]any)["estimatedCost"] != float64(2000000) {
		t.Fatalf("recommendations: %v", recs)
	}
	mid := recs[1].(map[string]any)["recommendationId"].(string)
	rec, ev = call(t, f.srv, "PUT", "/api/v1/events/"+id+"/recommendations", acct.access,
		map[string]any{"recommendationId": mid, "prize": "디저트 세트 + 음료", "startDate": "2026-11-25", "endDate": "2026-12-10"})
	if rec.Code != 200 || ev["eventName"] != "가을 디저트 추첨" || ev["prize"] != "디저트 세트 + 음료" || ev["selectedRecommendationId"] != mid ||
		ev["budget"] != float64(1000000) || ev["startDate"] != "2026-11-25" {
		t.Fatalf("select plan: %d %v", rec.Code, ev)
	}

	// Posters: a 2 x 1 set, then one edited.
	job = requestJob(t, f, "POST", "/api/v1/events/"+id+"/images", acct.access, map[string]any{"styles": []string{"SIMPLE", "FANCY"}, "platforms": []string{"INSTAGRAM"}, "brandColor": "#ff5733"})
	var imgMsg event.ImageJob
	msgs = streamMessages(t, f, queue.ImageGenerationJobs)
	if json.Unmarshal(msgs[0].Body, &imgMsg) != nil || imgMsg.JobID != job || len(imgMsg.Styles) != 2 || imgMsg.BrandColor != "#FF5733" || imgMsg.EventName != "가을 디저트 추첨" || imgMsg.StoreName != "민수네 카페" {
		t.Fatalf("image message: %+v", imgMsg)
	}
	_, _ = f.events.BeginJob(ctx, job)
	if err := f.events.CompleteImages(ctx, job, []event.NewImage{
		{Style: "SIMPLE", Platform: "INSTAGRAM", URL: "http://blob/a.png", Width: 1080, Height: 1080},
		{Style: "FANCY", Platform: "INSTAGRAM", URL: "http://blob/b.png", Width: 1080, Height: 1080},
	}, event.Origin{Generator: "fake"}); err != nil {
		t.Fatal(err)
	}
	_, imgs := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	if len(imgs) != 2 || imgs[0]["style"] != "SIMPLE" || imgs[1]["imageUrl"] != "http://blob/b.png" {
		t.Fatalf("images: %v", imgs)
	}
	fancy := imgs[1]["imageId"].(string)
	editJob := requestJob(t, f, "PUT", "/api/v1/events/"+id+"/images/"+fancy+"/edit", acct.access, map[string]any{"title": "새 제목", "backgroundColor": "#112233"})
	msgs = streamMessages(t, f, queue.ImageGenerationJobs)
	_ = json.Unmarshal(msgs[1].Body, &imgMsg)
	if imgMsg.JobID != editJob || imgMsg.SourceImageID == nil || imgMsg.SourceImageID.String() != fancy || *imgMsg.Edit.Title != "새 제목" || imgMsg.Styles[0] != "FANCY" {
		t.Fatalf("edit message: %+v", imgMsg)
	}
	rec, _ = call(t, f.srv, "PUT", "/api/v1/events/"+id+"/images/"+fancy+"/edit", acct.access, map[string]any{"textColor": "red"})
	wantProblem(t, rec, 400, apperr.CodeValidation)
	rec, ev = call(t, f.srv, "PUT", "/api/v1/events/"+id+"/images/"+fancy+"/select", acct.access, nil)
	if rec.Code != 200 || ev["selectedImageId"] != fancy || ev["selectedImageUrl"] != "http://blob/b.png" {
		t.Fatalf("select image: %d %v", rec.Code, ev)
	}

	// Not ready without channels: the problem lists what is missing.
	rec, out := call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", acct.access, nil)
	wantProblem(t, rec, 409, event.CodeNotReady)
	if fmt.Sprint(out["missing"]) != "[channels]" {
		t.Errorf("missing: %v", out["missing"])
	}
	for name, body := range map[string]map[string]any{
		"radius missing":     {"channels": []string{"URIDONGNETV"}, "settings": map[string]any{"URIDONGNETV": map[string]any{"timeSlot": "evening"}}},
		"ringobiz no phone":  {"channels": []string{"RINGOBIZ"}},
		"past schedule":      {"channels": []string{"NAVER"}, "settings": map[string]any{"NAVER": map[string]any{"scheduledTime": "2020-01-01T00:00:00Z"}}},
		"unknown channel":    {"channels": []string{"SMS"}},
		"no channels":        {"channels": []string{}},
		"unselected setting": {"channels": []string{"KAKAO"}, "settings": map[string]any{"NAVER": map[string]any{}}},
		"duplicate":          {"channels": []string{"KAKAO", "KAKAO"}},
	} {
		rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, body)
		if rec.Code != 400 {
			t.Errorf("channels %s: %d %s", name, rec.Code, rec.Body)
		}
	}
	verifyStoreLine(t, f, acct)
	rec, ev = call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, goodChannels)
	settings := ev["channelSettings"].(map[string]any)
	if rec.Code != 200 || fmt.Sprint(ev["channels"]) != "[URIDONGNETV RINGOBIZ INSTAGRAM]" || settings["RINGOBIZ"].(map[string]any)["phoneNumber"] != "01055551234" ||
		settings["URIDONGNETV"].(map[string]any)["timeSlot"] != "EVENING" {
		t.Fatalf("channels: %d %v", rec.Code, ev)
	}

	// Publish: live, committed, and its messages sent.
	rec, ev = call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", acct.access, nil)
	if rec.Code != 200 || ev["status"] != "PUBLISHED" || len(ev["drawCommitment"].(string)) != 64 {
		t.Fatalf("publish: %d %v", rec.Code, ev)
	}
	created := streamMessages(t, f, queue.AnalyticsEvents)
	if len(created) != 1 || created[0].ID != "event-created-"+id || created[0].Subject != "EventCreated" {
		t.Errorf("analytics messages: %+v", created)
	}
	dist := streamMessages(t, f, queue.DistributionJobs)
	var d event.DistributeChannel
	if len(dist) != 3 || dist[0].ID != "dist-"+id+"-URIDONGNETV" || json.Unmarshal(dist[1].Body, &d) != nil || d.Channel != "RINGOBIZ" ||
		d.ImageURL != "http://blob/b.png" || d.ParticipateURL != "https://app.example/e/"+id+"?ch=RINGOBIZ" || !strings.Contains(string(d.Settings), "01055551234") {
		t.Errorf("distribution messages: %+v / %+v", dist, d)
	}
	// Everything but ending is now refused.
	for _, c := range []struct{ method, path string }{
		{"PUT", "/api/v1/events/" + id}, {"DELETE", "/api/v1/events/" + id}, {"POST", "/api/v1/events/" + id + "/publish"},
		{"POST", "/api/v1/events/" + id + "/ai-recommendations"}, {"PUT", "/api/v1/events/" + id + "/channels"},
	} {
		body := any(map[string]any{"eventName": "x"})
		if c.path == "/api/v1/events/"+id+"/channels" {
			body = goodChannels
		}
		rec, _ := call(t, f.srv, c.method, c.path, acct.access, body)
		wantProblem(t, rec, 409, event.CodeWrongState)
	}

	// The commitment is SHA-256 of the stored seed, and no response holds the seed.
	var seed []byte
	if err := f.db.QueryRow(ctx, "SELECT draw_seed FROM events.events WHERE event_id = $1", id).Scan(&seed); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(seed)
	recPub, pub := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"?ch=INSTAGRAM", "", nil)
	if recPub.Code != 200 || pub["drawCommitment"] != hex.EncodeToString(sum[:]) || pub["storeName"] != "민수네 카페" || pub["imageUrl"] != "http://blob/b.png" || pub["status"] != "PUBLISHED" {
		t.Fatalf("public: %d %v", recPub.Code, pub)
	}
	recGet, _ := call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	for _, body := range [][]byte{recPub.Body.Bytes(), recGet.Body.Bytes(), rec.Body.Bytes()} {
		for _, enc := range []string{hex.EncodeToString(seed), strings.TrimRight(jsonB64(seed), "=")} {
			if bytes.Contains(body, []byte(enc)) {
				t.Fatal("a response contains the draw seed")
			}
		}
	}

	// End, once.
	rec, ev = call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil)
	if rec.Code != 200 || ev["status"] != "ENDED" || ev["endedAt"] == nil {
		t.Fatalf("end: %d %v", rec.Code, ev)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil)
	wantProblem(t, rec, 409, event.CodeWrongState)
	if _, pub := call(t, f.srv, "GET", "/api/v1/public/events/"+id, "", nil); pub["status"] != "ENDED" {
		t.Errorf("public after end: %v", pub)
	}
	if msgs := streamMessages(t, f, queue.AnalyticsEvents); len(msgs) != 2 || msgs[1].Subject != "EventEnded" {
		t.Errorf("analytics after end: %+v", msgs)
	}
}

func jsonB64(b []byte) string {
	raw, _ := json.Marshal(b)
	return strings.Trim(string(raw), `"`)
}

func TestEventRefusals(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	owner := register(t, f, "own@example.com", "010-3000-4000")
	other := register(t, f, "oth@example.com", "010-3000-5000")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", owner.access, map[string]string{"objective": "AWARENESS"})
	id := ev["eventId"].(string)

	forbidden := []struct{ method, path string }{
		{"GET", "/api/v1/events/" + id}, {"PUT", "/api/v1/events/" + id}, {"DELETE", "/api/v1/events/" + id},
		{"POST", "/api/v1/events/" + id + "/ai-recommendations"}, {"GET", "/api/v1/events/" + id + "/images"},
		{"PUT", "/api/v1/events/" + id + "/channels"}, {"POST", "/api/v1/events/" + id + "/publish"}, {"POST", "/api/v1/events/" + id + "/end"},
	}
	for _, c := range forbidden {
		rec, _ := call(t, f.srv, c.method, c.path, other.access, map[string]any{"eventName": "x", "channels": []string{"KAKAO"}})
		wantProblem(t, rec, 403, event.CodeForbidden)
		missing := strings.Replace(c.path, id, uuid.NewString(), 1)
		rec, _ = call(t, f.srv, c.method, missing, owner.access, map[string]any{"eventName": "x", "channels": []string{"KAKAO"}})
		wantProblem(t, rec, 404, event.CodeNotFound)
	}
	rec, _ := call(t, f.srv, "GET", "/api/v1/events/not-a-uuid", owner.access, nil)
	wantProblem(t, rec, 404, event.CodeNotFound)
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id, "", nil)
	wantProblem(t, rec, 401, "AUTH_002")

	job := requestJob(t, f, "POST", "/api/v1/events/"+id+"/ai-recommendations", owner.access, nil)
	rec, _ = call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), other.access, nil)
	wantProblem(t, rec, 403, event.CodeForbidden)
	rec, _ = call(t, f.srv, "GET", "/api/v1/jobs/"+uuid.NewString(), owner.access, nil)
	wantProblem(t, rec, 404, event.CodeJobNotFound)

	for name, body := range map[string]map[string]any{
		"name too long":      {"eventName": strings.Repeat("가", 201)},
		"empty name":         {"eventName": " "},
		"end before start":   {"startDate": "2026-12-10", "endDate": "2026-12-01"},
		"bad date":           {"startDate": "12/01/2026"},
		"no winners":         {"winnerCount": 0},
		"too many winners":   {"winnerCount": 1001},
		"negative budget":    {"budget": -1},
		"wrong type of date": {"startDate": 20261201},
	} {
		rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id, owner.access, body)
		if rec.Code != 400 {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	rec, out := call(t, f.srv, "PUT", "/api/v1/events/"+id, owner.access, map[string]any{"eventName": " 연말 감사제 ", "startDate": "2026-12-01", "endDate": "2026-12-31", "winnerCount": 5})
	if rec.Code != 200 || out["eventName"] != "연말 감사제" || out["winnerCount"] != float64(5) || out["endDate"] != "2026-12-31" {
		t.Fatalf("update: %d %v", rec.Code, out)
	}
	// The new start is checked against the stored end.
	rec, _ = call(t, f.srv, "PUT", "/api/v1/events/"+id, owner.access, map[string]any{"startDate": "2027-01-05"})
	wantProblem(t, rec, 400, apperr.CodeValidation)
	rec, out = call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", owner.access, nil)
	wantProblem(t, rec, 409, event.CodeNotReady)
	if fmt.Sprint(out["missing"]) != "[selectedRecommendation selectedImage channels]" {
		t.Errorf("missing: %v", out["missing"])
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/objectives", owner.access, map[string]string{"objective": "WORLD_PEACE"})
	wantProblem(t, rec, 400, apperr.CodeValidation)
	// A draft can be deleted; then it is gone (its job stays).
	if rec, _ := call(t, f.srv, "DELETE", "/api/v1/events/"+id, owner.access, nil); rec.Code != 204 {
		t.Fatalf("delete: %d", rec.Code)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id, owner.access, nil)
	wantProblem(t, rec, 404, event.CodeNotFound)
	if rec, _ := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), owner.access, nil); rec.Code != 200 {
		t.Errorf("the job of a deleted event: %d", rec.Code)
	}
	// The public page does not show drafts.
	_, ev = call(t, f.srv, "POST", "/api/v1/events/objectives", owner.access, map[string]string{"objective": "AWARENESS"})
	rec, _ = call(t, f.srv, "GET", "/api/v1/public/events/"+ev["eventId"].(string), "", nil)
	wantProblem(t, rec, 404, event.CodeNotFound)
}

func TestEventListPagingAndFilters(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "list@example.com", "010-4000-5000")
	other := register(t, f, "list2@example.com", "010-4000-6000")
	call(t, f.srv, "POST", "/api/v1/events/objectives", other.access, map[string]string{"objective": "REVISIT"})
	var ids []string
	for i := range 25 {
		obj := []string{"NEW_CUSTOMERS", "REVISIT", "SALES_INCREASE", "AWARENESS"}[i%4]
		_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": obj})
		id := ev["eventId"].(string)
		name := fmt.Sprintf("이벤트 %02d", i)
		if i == 7 {
			name = "100% 당첨 Special"
		}
		call(t, f.srv, "PUT", "/api/v1/events/"+id, acct.access, map[string]any{"eventName": name})
		f.clock.Advance(time.Second)
		ids = append(ids, id)
	}
	pub := publishedEvent(t, f, acct)
	if _, err := f.db.Exec(context.Background(), `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, agree_privacy)
		SELECT 'p' || g, $1, 'n', '0101234' || lpad(g::text, 4, '0'), true FROM generate_series(1, 7) g`, pub); err != nil {
		t.Fatal(err)
	}
	page := func(query string) (int, map[string]any) {
		rec, out := call(t, f.srv, "GET", "/api/v1/events"+query, acct.access, nil)
		return rec.Code, out
	}
	code, out := page("")
	content := out["content"].([]any)
	if code != 200 || len(content) != 20 || out["totalElements"] != float64(26) || out["totalPages"] != float64(2) || out["page"] != float64(0) || out["size"] != float64(20) {
		t.Fatalf("first page: %d %v", code, out)
	}
	if content[0].(map[string]any)["eventId"] != pub || content[0].(map[string]any)["participantCount"] != float64(7) || content[1].(map[string]any)["eventId"] != ids[24] {
		t.Errorf("newest first with counts: %v", content[:2])
	}
	if _, out := page("?page=1"); len(out["content"].([]any)) != 6 {
		t.Errorf("second page: %v", out)
	}
	if _, out := page("?status=PUBLISHED"); out["totalElements"] != float64(1) {
		t.Errorf("status filter: %v", out)
	}
	if _, out := page("?objective=REVISIT&size=100"); out["totalElements"] != float64(7) { // 6 of 25, plus the published one
		t.Errorf("objective filter: %v", out["totalElements"])
	}
	if _, out := page("?search=100%25"); out["totalElements"] != float64(1) || out["content"].([]any)[0].(map[string]any)["eventName"] != "100% 당첨 Special" {
		t.Errorf("search with a literal %%: %v", out)
	}
	if _, out := page("?search=special"); out["totalElements"] != float64(1) {
		t.Errorf("case-insensitive search: %v", out)
	}
	for _, q := range []string{"?size=0", "?size=101", "?page=-1", "?size=x", "?status=LIVE", "?objective=X"} {
		if code, _ := page(q); code != 400 {
			t.Errorf("%s: %d", q, code)
		}
	}
}

// beacon posts the entry page's view beacon as navigator.sendBeacon does:
// a JSON string sent as text/plain.
func beacon(t *testing.T, f fixture, id, ch string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, f.srv, "POST", "/api/v1/public/events/"+id+"/views", strings.NewReader(`{"ch":"`+ch+`"}`),
		append([]string{"Content-Type", "text/plain;charset=UTF-8"}, headers...)...)
}

// 1,000 public page reads and 1,000 view beacons: Postgres is read once,
// the reads count nothing, and Redis counts every beacon by channel.
func TestPublicPageIsCachedAndBeaconsCount(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "pub@example.com", "010-5000-6000")
	id := publishedEvent(t, f, acct)
	if rec, _ := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"?ch=INSTAGRAM", "", nil); rec.Code != 200 {
		t.Fatalf("first read: %d", rec.Code)
	}
	before := f.pgq.Count()
	for i := 1; i < 1000; i++ {
		if rec, _ := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"?ch=INSTAGRAM", "", nil); rec.Code != 200 {
			t.Fatalf("read %d: %d", i, rec.Code)
		}
	}
	if views, err := f.events.Views(context.Background(), uuid.MustParse(id)); err != nil || len(views) != 0 {
		t.Errorf("reads counted views: %v %v", views, err)
	}
	for i := range 1000 {
		ch := "INSTAGRAM"
		if i%4 == 0 {
			ch = "NAVER"
		}
		if rec := beacon(t, f, id, ch); rec.Code != 204 || rec.Body.Len() != 0 {
			t.Fatalf("beacon %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if n := f.pgq.Count() - before; n != 0 {
		t.Errorf("%d Postgres queries after the first read, want 0", n)
	}
	views, err := f.events.Views(context.Background(), uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	if views["INSTAGRAM"] != 750 || views["NAVER"] != 250 || len(views) != 2 {
		t.Errorf("views %v, want 750 from INSTAGRAM and 250 from NAVER", views)
	}
	// Unknown or missing sources count as DIRECT; any content type is read.
	for _, tt := range []struct {
		name, contentType, body string
		want                    int
	}{
		{"unknown channel", "text/plain;charset=UTF-8", `{"ch":"../../etc"}`, 204},
		{"no channel", "application/json", `{}`, 204},
		{"empty body", "", ``, 204},
		{"store QR as JSON", "application/json", `{"ch":"STORE_QR"}`, 204},
		{"not JSON", "text/plain", `ch=INSTAGRAM`, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, f.srv, "POST", "/api/v1/public/events/"+id+"/views", strings.NewReader(tt.body), "Content-Type", tt.contentType)
			if rec.Code != tt.want {
				t.Errorf("got %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
		})
	}
	if views, _ := f.events.Views(context.Background(), uuid.MustParse(id)); views["DIRECT"] != 3 || views["STORE_QR"] != 1 || views["INSTAGRAM"] != 750 {
		t.Errorf("views %v, want 3 DIRECT and 1 STORE_QR more", views)
	}
}

// EventAutoEnd ends events once their end date has passed in Seoul, once,
// and fails jobs stuck past their timeout.
func TestAutoEnd(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "auto@example.com", "010-6000-7000")
	id := publishedEvent(t, f, acct) // ends 2026-12-10
	_, draft := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	stuck := requestJob(t, f, "POST", "/api/v1/events/"+draft["eventId"].(string)+"/ai-recommendations", acct.access, nil)

	tick := func() string { return fireTimer(t, f, "EventAutoEnd") }
	status := func() string {
		var s string
		_ = f.db.QueryRow(context.Background(), "SELECT status FROM events.events WHERE event_id = $1", id).Scan(&s)
		return s
	}
	// 2026-12-10 23:59 in Seoul is 14:59 UTC: still running.
	f.clock.Advance(time.Date(2026, 12, 10, 14, 59, 0, 0, time.UTC).Sub(f.clock.Now()))
	if out := tick(); !strings.Contains(out, "events ended: 0") || !strings.Contains(out, "stale jobs failed: 1") {
		t.Errorf("tick: %s", out)
	}
	if status() != "PUBLISHED" {
		t.Fatal("ended before its last day was over in Seoul")
	}
	f.clock.Advance(2 * time.Minute) // 2026-12-11 00:01 in Seoul
	if out := tick(); !strings.Contains(out, "events ended: 1") || !strings.Contains(out, "stale jobs failed: 0") {
		t.Errorf("tick: %s", out)
	}
	if status() != "ENDED" {
		t.Fatal("not ended")
	}
	if out := tick(); !strings.Contains(out, "events ended: 0") {
		t.Errorf("second tick: %s", out)
	}
	ended := 0
	for _, m := range streamMessages(t, f, queue.AnalyticsEvents) {
		if m.Subject == "EventEnded" {
			ended++
		}
	}
	if ended != 1 {
		t.Errorf("%d EventEnded messages, want 1", ended)
	}
	_, fresh := login(t, f, "auto@example.com", goodPassword) // the first token expired meanwhile
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+stuck.String(), fresh["accessToken"].(string), nil)
	if j["status"] != "FAILED" || !strings.Contains(fmt.Sprint(j["errorMessage"]), "timed out") {
		t.Errorf("stuck job: %v", j)
	}
}
