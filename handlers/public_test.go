package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/content"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/queue"
)

// getPublic reads a public endpoint as a browser revalidating would.
func getPublic(t *testing.T, f fixture, path, ifNoneMatch string) *httptest.ResponseRecorder {
	t.Helper()
	var headers []string
	if ifNoneMatch != "" {
		headers = []string{"If-None-Match", ifNoneMatch}
	}
	return do(t, f.srv, "GET", path, nil, headers...)
}

// wantCacheable checks a 200 the CDN may keep, and returns its ETag.
func wantCacheable(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=30" || len(etag) < 10 || etag[0] != '"' || etag[len(etag)-1] != '"' ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("got %d, Cache-Control %q, ETag %q, Content-Type %q: %s", rec.Code, rec.Header().Get("Cache-Control"), etag, rec.Header().Get("Content-Type"), rec.Body)
	}
	return etag
}

// The entry page's data: every field the page shows, cacheable, and 304
// when the browser or CDN already holds it.
func TestPublicPageFieldsAndRevalidation(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "page@example.com", "010-5100-0001")
	id := publishedEvent(t, f, acct)
	path := "/api/v1/public/events/" + id
	rec := getPublic(t, f, path, "")
	etag := wantCacheable(t, rec)
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"eventId": id, "eventName": "가을 디저트 추첨", "description": "참여자 중 추첨", "prize": "디저트 세트",
		"startDate": "2026-11-25", "endDate": "2026-12-10", "status": "PUBLISHED", "imageUrl": "http://blob/SIMPLE.png",
		"poster":    nil, // the fake poster is not in Blob: no web copy, the page shows imageUrl
		"storeName": "민수네 카페", "timeZone": "Asia/Seoul", "eligibility": "20-30대", "announcementDate": "2026-12-11",
		"winnerCount": float64(1), "retentionDays": float64(30), "drawnAt": nil, "verifyPhone": false,
	}
	for k, w := range want {
		if v, ok := got[k]; !ok || fmt.Sprint(v) != fmt.Sprint(w) {
			t.Errorf("%s: got %v (present %v), want %v", k, v, ok, w)
		}
	}
	if c, _ := got["drawCommitment"].(string); len(c) != 64 || len(got) != len(want)+1 {
		t.Errorf("commitment %q, %d fields: %v", c, len(got), got)
	}
	if !strings.Contains(f.logs.String(), "web poster not made") {
		t.Error("the missing web poster was not logged")
	}

	for _, tt := range []struct {
		name, ifNoneMatch string
		wantCode          int
	}{
		{"same tag", etag, 304},
		{"weak form of the tag", "W/" + etag, 304},
		{"in a list", `"other", ` + etag, 304},
		{"any", "*", 304},
		{"another tag", `"stale"`, 200},
		{"unquoted tag", strings.Trim(etag, `"`), 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := getPublic(t, f, path, tt.ifNoneMatch)
			if rec.Code != tt.wantCode || rec.Header().Get("ETag") != etag || rec.Header().Get("Cache-Control") != "public, max-age=30" {
				t.Fatalf("got %d ETag %q, want %d with %q", rec.Code, rec.Header().Get("ETag"), tt.wantCode, etag)
			}
			if tt.wantCode == 304 && rec.Body.Len() != 0 {
				t.Errorf("304 with a body: %q", rec.Body)
			}
		})
	}
	// The tag is over the body: the same event reads the same, byte for byte.
	if again := getPublic(t, f, path, ""); again.Header().Get("ETag") != etag || !bytes.Equal(again.Body.Bytes(), rec.Body.Bytes()) {
		t.Error("a second read differs")
	}
	if views, _ := f.events.Views(context.Background(), uuid.MustParse(id)); len(views) != 0 {
		t.Errorf("reading counted views: %v", views)
	}
}

// Drafts and unknown events do not exist for any public endpoint.
func TestPublicEndpointsHideDrafts(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "hide@example.com", "010-5100-0002")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	draft := ev["eventId"].(string)
	for _, id := range []struct{ name, id string }{{"draft", draft}, {"unknown", uuid.NewString()}, {"malformed", "not-a-uuid"}} {
		for _, ep := range []struct{ method, suffix, body string }{{"GET", "", ""}, {"POST", "/views", `{"ch":"KAKAO"}`}, {"GET", "/results", ""}} {
			t.Run(id.name+" "+ep.method+ep.suffix, func(t *testing.T) {
				rec := do(t, f.srv, ep.method, "/api/v1/public/events/"+id.id+ep.suffix, strings.NewReader(ep.body), "Content-Type", "text/plain")
				wantProblem(t, rec, 404, event.CodeNotFound)
				if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
					t.Errorf("a 404 the CDN may keep: Cache-Control %q", cc)
				}
			})
		}
	}
	if views, _ := f.events.Views(context.Background(), uuid.MustParse(draft)); len(views) != 0 {
		t.Errorf("a draft's view was counted: %v", views)
	}
}

// Publish, the draw and the end each change the page, and with it the tag.
func TestPublicPageFollowsTheEvent(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "follow@example.com", "010-5100-0003")
	id := draftWithPlan(t, f, acct)
	path := "/api/v1/public/events/" + id
	wantProblem(t, getPublic(t, f, path, ""), 404, event.CodeNotFound) // and nothing cached for it
	verifyStoreLine(t, f, acct)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, goodChannels); rec.Code != 200 {
		t.Fatalf("channels: %d", rec.Code)
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", acct.access, nil); rec.Code != 200 {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	published := getPublic(t, f, path, "")
	tags := []string{wantCacheable(t, published)}

	f.clock.Advance(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	_, out := login(t, f, "follow@example.com", goodPassword)
	acct.access = out["accessToken"].(string)
	for i := range 5 {
		submit(t, f, id, entry("참가자", fmt.Sprintf("010-6300-%04d", i), false))
	}
	if rec := getPublic(t, f, path, tags[0]); rec.Code != 304 {
		t.Errorf("entries changed the page: %d", rec.Code)
	}
	rec, d := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 2})
	if rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	drawn := getPublic(t, f, path, tags[0])
	tags = append(tags, wantCacheable(t, drawn))
	var page map[string]any
	_ = json.Unmarshal(drawn.Body.Bytes(), &page)
	drawnAt, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(page["drawnAt"]))
	wantAt, _ := time.Parse(time.RFC3339Nano, d["drawnAt"].(string))
	if !drawnAt.Equal(wantAt) || page["winnerCount"] != float64(2) || page["status"] != "PUBLISHED" {
		t.Errorf("after the draw: drawnAt %v (want %v), winnerCount %v", page["drawnAt"], d["drawnAt"], page["winnerCount"])
	}

	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil); rec.Code != 200 {
		t.Fatalf("end: %d", rec.Code)
	}
	ended := getPublic(t, f, path, tags[1])
	tags = append(tags, wantCacheable(t, ended))
	_ = json.Unmarshal(ended.Body.Bytes(), &page)
	if page["status"] != "ENDED" || page["drawnAt"] == nil {
		t.Errorf("after the end: %v", page)
	}
	if tags[0] == tags[1] || tags[1] == tags[2] || tags[0] == tags[2] {
		t.Errorf("tags did not change: %v", tags)
	}
}

// The beacon is throttled per client address and event; other clients and
// other events are not held up.
func TestViewBeaconThrottle(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), viewRate: 3})
	acct := register(t, f, "beacon@example.com", "010-5100-0004")
	id, other := publishedEvent(t, f, acct), publishedEvent(t, f, acct)
	ip := "203.0.113." + fmt.Sprint(time.Now().UnixNano()%250+1)
	for _, tt := range []struct {
		name, event, xff string
		want             int
	}{
		{"first", id, ip, 204},
		{"second", id, ip, 204},
		{"third", id, ip, 204},
		{"fourth within the minute", id, ip, 429},
		{"behind a proxy: the last address counts", id, "198.51.100.7, " + ip, 429},
		{"another client", id, "198.51.100.8", 204},
		{"another event", other, ip, 204},
	} {
		rec := beacon(t, f, tt.event, "KAKAO", "X-Forwarded-For", tt.xff)
		if rec.Code != tt.want {
			t.Fatalf("%s: got %d %s, want %d", tt.name, rec.Code, rec.Body, tt.want)
		}
		if tt.want == 429 {
			wantProblem(t, rec, 429, event.CodeTooManyViews)
			if rec.Header().Get("Retry-After") == "" {
				t.Errorf("%s: 429 without Retry-After", tt.name)
			}
		}
	}
	if views, _ := f.events.Views(context.Background(), uuid.MustParse(id)); views["KAKAO"] != 4 {
		t.Errorf("views %v, want 4 counted (the throttled ones not)", views)
	}
	// No address is stored in clear.
	keys, _ := f.rdb.Keys(context.Background(), "*"+ip+"*").Result()
	if len(keys) != 0 {
		t.Errorf("keys holding the client address: %v", keys)
	}
}

// The results page: nothing before the draw; then the winners masked so
// only they recognise themselves; after a disqualification the alternate
// who took the rank, marked as such.
func TestPublicResults(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "results@example.com", "010-5100-0005")
	path := "/api/v1/public/events/" + id + "/results"
	type person struct{ name, phone string }
	people := map[string]person{} // participantId -> what they entered
	code := visitCodeToday(t, f, acct, id)
	for i := range 10 {
		p := person{name: []string{"김민수", "이서연", "박지훈", "최유나", "정하늘"}[i%5] + fmt.Sprint(i), phone: fmt.Sprintf("010-7%03d-%04d", i, 1000+i)}
		body := entry(p.name, p.phone, false)
		if i%2 == 0 {
			body["visitCode"] = code
		}
		rec, out := submit(t, f, id, body)
		if rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
		people[out["participantId"].(string)] = p
	}

	before := getPublic(t, f, path, "")
	beforeTag := wantCacheable(t, before)
	var got participation.Results
	if err := json.Unmarshal(before.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Drawn || got.DrawnAt != nil || got.Algorithm != nil || got.TotalParticipants != 10 || got.WinnerCount != 1 || got.Winners == nil || len(got.Winners) != 0 ||
		!strings.Contains(before.Body.String(), `"winners":[]`) || !strings.Contains(before.Body.String(), `"drawnAt":null`) {
		t.Errorf("before the draw: %s", before.Body)
	}
	if rec := getPublic(t, f, path, beforeTag); rec.Code != 304 {
		t.Errorf("revalidation before the draw: %d", rec.Code)
	}

	rec, d := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 3, "applyStoreVisitBonus": true, "alternateCount": 2})
	if rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	// wantWinners is the results page's view of the owner's current
	// winners: 김민수0 -> 김**0, 010-7001-1001 -> 010-****-1001, the entry
	// number's last four characters.
	wantWinners := func(substituted map[int]bool) []participation.PublicWinner {
		_, list := call(t, f.srv, "GET", "/api/v1/events/"+id+"/winners", acct.access, nil)
		var out []participation.PublicWinner
		for _, w := range list["content"].([]any) {
			m := w.(map[string]any)
			pid, rank := m["participantId"].(string), int(m["rank"].(float64))
			p := people[pid]
			name := []rune(p.name)
			category := ""
			if substituted[rank] {
				category = "UNREACHABLE"
			}
			out = append(out, participation.PublicWinner{Rank: rank, Name: string(name[0]) + strings.Repeat("*", len(name)-2) + string(name[len(name)-1]),
				PhoneNumber: "010-****-" + p.phone[len(p.phone)-4:], EntryTail: pid[len(pid)-4:], Substitute: substituted[rank], SubstituteCategory: category})
		}
		if len(out) != 3 {
			t.Fatalf("owner's winners: %v", list)
		}
		return out
	}
	checkResults := func(stage, prevTag string, want []participation.PublicWinner) string {
		t.Helper()
		rec := getPublic(t, f, path, prevTag)
		tag := wantCacheable(t, rec)
		var got participation.Results
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		wantAt, _ := time.Parse(time.RFC3339Nano, d["drawnAt"].(string))
		if !got.Drawn || got.DrawnAt == nil || !got.DrawnAt.Equal(wantAt) || got.Algorithm == nil || *got.Algorithm != "WEIGHTED" ||
			got.TotalParticipants != 10 || got.WinnerCount != 3 || len(got.Winners) != len(want) {
			t.Fatalf("%s: %s", stage, rec.Body)
		}
		for i := range want {
			if got.Winners[i] != want[i] {
				t.Errorf("%s: winner %d: got %+v, want %+v", stage, i+1, got.Winners[i], want[i])
			}
		}
		// Nothing that identifies anyone to others: no full name, no full number, no full entry number.
		for pid, p := range people {
			for _, secret := range []string{p.name, p.phone, strings.ReplaceAll(p.phone, "-", ""), pid} {
				if strings.Contains(rec.Body.String(), secret) {
					t.Errorf("%s: the page shows %q", stage, secret)
				}
			}
		}
		if tag == prevTag {
			t.Errorf("%s: the tag did not change", stage)
		}
		return tag
	}
	drawnTag := checkResults("after the draw", beforeTag, wantWinners(nil))

	w2 := d["winners"].([]any)[1].(map[string]any)["participantId"].(string)
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+w2+"/disqualify", acct.access, map[string]string{"category": "UNREACHABLE", "reason": "연락 불가"}); rec.Code != 200 {
		t.Fatalf("disqualify: %d %s", rec.Code, rec.Body)
	}
	afterTag := checkResults("after a disqualification", drawnTag, wantWinners(map[int]bool{2: true}))
	if rec := getPublic(t, f, path, afterTag); rec.Code != 304 {
		t.Errorf("revalidation after the disqualification: %d", rec.Code)
	}
}

// Publish makes the entry page's poster from the selected one: in Blob,
// at most 150 KB, its recorded size that of the decoded image.
func TestPublishMakesWebPoster(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "webposter@example.com", "010-5100-0006")
	id := draftWithPlan(t, f, acct)
	requestJob(t, f, "POST", "/api/v1/events/"+id+"/images", acct.access, map[string]any{"styles": []string{"TRENDY"}, "platforms": []string{"INSTAGRAM"}})
	msgs := streamMessages(t, f, queue.ImageGenerationJobs)
	if rec := deliver(t, f, "ImageGenerate", msgs[len(msgs)-1], 1); rec.Code != 200 {
		t.Fatalf("ImageGenerate: %d %s", rec.Code, rec.Body)
	}
	_, imgs := callList(t, f, "GET", "/api/v1/events/"+id+"/images", acct.access)
	var real map[string]any
	for _, img := range imgs {
		if strings.HasPrefix(img["imageUrl"].(string), "http://127.0.0.1:10000/") {
			real = img
		}
	}
	if real == nil {
		t.Fatalf("no stored poster among %v", imgs)
	}
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/images/"+real["imageId"].(string)+"/select", acct.access, nil); rec.Code != 200 {
		t.Fatalf("select: %d", rec.Code)
	}
	verifyStoreLine(t, f, acct)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, goodChannels); rec.Code != 200 {
		t.Fatalf("channels: %d", rec.Code)
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", acct.access, nil); rec.Code != 200 {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	var page struct {
		ImageURL string           `json:"imageUrl"`
		Poster   *event.WebPoster `json:"poster"`
	}
	rec := getPublic(t, f, "/api/v1/public/events/"+id, "")
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.Poster == nil || page.ImageURL != real["imageUrl"] {
		t.Fatalf("public page: %s (%v)", rec.Body, err)
	}
	resp, err := http.Get(page.Poster.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	img, _, err := image.Decode(bytes.NewReader(body))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("GET %s: %d %v", page.Poster.URL, resp.StatusCode, err)
	}
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"decoded width = recorded width", img.Bounds().Dx(), page.Poster.Width},
		{"decoded height = recorded height", img.Bounds().Dy(), page.Poster.Height},
		{"width", page.Poster.Width, content.WebPosterWidth},
		{"height (square poster)", page.Poster.Height, content.WebPosterWidth},
		{"bytes, at most 150 KB", len(body), min(len(body), content.WebPosterMaxBytes)},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.what, c.got, c.want)
		}
	}
}
