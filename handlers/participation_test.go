package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
)

func entry(name, phone string, visited bool) map[string]any {
	return map[string]any{"name": name, "phoneNumber": phone, "agreePrivacy": true, "agreeMarketing": true, "storeVisited": visited, "channel": "MOBILE", "source": "INSTAGRAM"}
}

func submit(t *testing.T, f fixture, id string, body any, headers ...string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	return call(t, f.srv, "POST", "/api/v1/events/"+id+"/participate", "", body, headers...)
}

// liveEvent publishes an event running 2026-11-25..2026-12-10 and moves the
// clock into it.
func liveEvent(t *testing.T, f fixture, email, phone string) (account, string) {
	t.Helper()
	acct := register(t, f, email, phone)
	id := publishedEvent(t, f, acct)
	f.clock.Advance(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	_, out := login(t, f, email, goodPassword) // the first token expired while the clock moved
	acct.access = out["accessToken"].(string)
	return acct, id
}

func TestSubmitRules(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "sub@example.com", "010-2000-0001")
	id := publishedEvent(t, f, acct) // the clock is 2026-11-22: before the start

	rec, _ := submit(t, f, id, entry("김민수", "010-1234-5678", false))
	wantProblem(t, rec, 400, participation.CodeOutOfPeriod)
	f.clock.Advance(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC).Sub(f.clock.Now())) // 2026-11-25 00:00 in Seoul
	_, out := login(t, f, "sub@example.com", goodPassword)                             // the first token expired while the clock moved
	acct.access = out["accessToken"].(string)
	rec, out = submit(t, f, id, visitEntry("김민수", "010-1234-5678", visitCodeToday(t, f, acct, id)))
	if rec.Code != 201 || out["bonusEntries"] != float64(3) || !strings.HasPrefix(out["participantId"].(string), "20261125-") || out["eventId"] != id {
		t.Fatalf("submit: %d %v", rec.Code, out)
	}
	rec, out = submit(t, f, id, entry("이영희", "+82 10 9999 8888", false))
	if rec.Code != 201 || out["bonusEntries"] != float64(1) {
		t.Fatalf("second submit: %d %v", rec.Code, out)
	}
	// The same phone in any format is a duplicate.
	rec, _ = submit(t, f, id, entry("김민수", "01012345678", false))
	wantProblem(t, rec, 409, participation.CodeDuplicate)

	for name, change := range map[string]map[string]any{
		"no privacy consent": {"agreePrivacy": false},
		"bad phone":          {"phoneNumber": "02-123-4567"},
		"empty name":         {"name": " "},
		"long name":          {"name": strings.Repeat("가", 51)},
		"bad channel":        {"channel": "FAX"},
		"bad source":         {"source": "TIKTOK"},
		"bad email":          {"email": "nope"},
	} {
		body := entry("박지성", "010-5555-0000", false)
		for k, v := range change {
			body[k] = v
		}
		rec, _ := submit(t, f, id, body)
		if rec.Code != 400 || decodeProblem(t, rec).Code != apperr.CodeValidation {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	rec, _ = submit(t, f, "5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11", entry("김", "010-1111-2222", false))
	wantProblem(t, rec, 404, event.CodeNotFound)

	// The analytics message went with each entry (one list per group
	// commit, sent in the background batch); no phone number in it.
	var regs []participation.RegisteredEntry
	var raw []string
	deadline := time.Now().Add(5 * time.Second)
	for len(regs) < 2 && time.Now().Before(deadline) {
		regs, raw = nil, nil
		for _, m := range streamMessages(t, f, queue.AnalyticsEvents) {
			var list participation.ParticipantsRegistered
			if m.Subject == participation.TypeParticipantsRegistered && json.Unmarshal(m.Body, &list) == nil && list.EventID.String() == id {
				regs, raw = append(regs, list.Entries...), append(raw, string(m.Body))
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(regs) != 2 || strings.Contains(strings.Join(raw, ""), "5678") ||
		regs[0].Source != "INSTAGRAM" || regs[0].BonusEntries != 3 || !regs[0].StoreVisited || regs[0].Channel != "MOBILE" {
		t.Errorf("ParticipantsRegistered entries: %+v in %q", regs, raw)
	}
	// After the last day (in Seoul) the period is over; once ended, closed.
	f.clock.Advance(time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	rec, _ = submit(t, f, id, entry("최후", "010-7777-0000", false))
	wantProblem(t, rec, 400, participation.CodeOutOfPeriod)
	_, out = login(t, f, "sub@example.com", goodPassword)
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", out["accessToken"].(string), nil)
	rec, _ = submit(t, f, id, entry("최후", "010-7777-0000", false))
	wantProblem(t, rec, 400, participation.CodeClosed)
}

// Fifty identical submits at once: exactly one entry.
func TestConcurrentDuplicateSubmits(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	_, id := liveEvent(t, f, "burst@example.com", "010-2000-0002")
	var wg sync.WaitGroup
	codes := make(chan int, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := submit(t, f, id, entry("김민수", "010-4321-8765", false))
			codes <- rec.Code
		}()
	}
	wg.Wait()
	close(codes)
	created := 0
	for c := range codes {
		switch c {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("status %d", c)
		}
	}
	var rows int
	if err := f.db.QueryRow(context.Background(), "SELECT count(*) FROM participation.participants WHERE event_id = $1", id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if created != 1 || rows != 1 {
		t.Errorf("created %d, rows %d; want 1 and 1", created, rows)
	}
}

// With Redis gone, entries still go in and duplicates are still refused:
// Postgres is the truth, Redis only the fast path.
func TestSubmitWithoutRedis(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	_, id := liveEvent(t, f, "nored@example.com", "010-2000-0003")
	if rec, _ := submit(t, f, id, entry("먼저", "010-1000-0001", false)); rec.Code != 201 {
		t.Fatalf("submit: %d %s", rec.Code, rec.Body)
	}

	dead, err := redis.Open("redis://127.0.0.1:1/0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dead.Close() })
	down := newServerOpts(t, fixtureOpts{users: testUserConfig(), db: f.db, redis: dead})
	down.clock.Advance(f.clock.Now().Sub(down.clock.Now()))
	rec, out := submit(t, down, id, entry("레디스없음", "010-1000-0002", false))
	if rec.Code != 201 || !strings.Contains(out["participantId"].(string), "-P") {
		t.Fatalf("submit without Redis: %d %v", rec.Code, out)
	}
	rec, _ = submit(t, down, id, entry("먼저", "010-1000-0001", false)) // entered while Redis was up
	wantProblem(t, rec, 409, participation.CodeDuplicate)
	rec, _ = submit(t, down, id, entry("레디스없음", "010-1000-0002", false))
	wantProblem(t, rec, 409, participation.CodeDuplicate)
	var rows int
	if err := f.db.QueryRow(context.Background(), "SELECT count(*) FROM participation.participants WHERE event_id = $1", id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 2 {
		t.Errorf("%d rows, want 2", rows)
	}
}

func TestSubmitRateLimits(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), rate: [2]int{3, 2}})
	_, id := liveEvent(t, f, "rate@example.com", "010-2000-0004")
	ip := "2001:db8:77::1"
	for i := range 3 {
		if rec, _ := submit(t, f, id, entry("가", fmt.Sprintf("010-3000-%04d", i), false), "X-Forwarded-For", ip); rec.Code != 201 {
			t.Fatalf("entry %d: %d", i, rec.Code)
		}
	}
	rec, _ := submit(t, f, id, entry("가", "010-3000-0009", false), "X-Forwarded-For", ip)
	wantProblem(t, rec, 429, participation.CodeTooFast)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Per phone: the third try of one number within a minute, from anywhere.
	phone := "010-4000-0001"
	for i, want := range []int{201, 409, 429} {
		rec, _ := submit(t, f, id, entry("나", phone, false), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
		if rec.Code != want {
			t.Errorf("phone try %d: %d, want %d", i+1, rec.Code, want)
		}
	}
}

func TestParticipantListAndExport(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "lst@example.com", "010-2000-0005")
	other := register(t, f, "lst2@example.com", "010-2000-0006")
	names := []string{"김민수", "이영희", "박지성", "최", "남궁민수"}
	code := visitCodeToday(t, f, acct, id)
	for i, n := range names {
		body := entry(n, fmt.Sprintf("010-5000-%04d", i), false)
		if i%2 == 0 {
			body = visitEntry(n, fmt.Sprintf("010-5000-%04d", i), code)
		}
		if i == 3 {
			body["channel"] = "INSTORE"
		}
		if rec, _ := submit(t, f, id, body); rec.Code != 201 {
			t.Fatalf("entry %s: %d %s", n, rec.Code, rec.Body)
		}
		f.clock.Advance(time.Second)
	}
	list := func(q string) map[string]any {
		rec, out := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants"+q, acct.access, nil)
		if rec.Code != 200 {
			t.Fatalf("list%s: %d %s", q, rec.Code, rec.Body)
		}
		return out
	}
	out := list("")
	content, _ := out["content"].([]any)
	if out["totalElements"] != float64(5) || len(content) != 5 {
		t.Fatalf("list: %v", out)
	}
	first, _ := content[0].(map[string]any)
	if first["name"] != "남**수" || first["phoneNumber"] != "010-****-0004" {
		t.Fatalf("list: %v", out)
	}
	masks := map[string]bool{}
	for _, c := range content {
		masks[c.(map[string]any)["name"].(string)] = true
	}
	if !masks["김*수"] || !masks["*"] || !masks["이*희"] {
		t.Errorf("name masks: %v", masks)
	}
	for q, want := range map[string]float64{"?storeVisited=true": 3, "?channel=INSTORE": 1, "?search=" + "이영": 1, "?search=" + "영희": 0, "?search=0002": 1,
		"?search=010-5000-0002": 1, "?search=20261126-000003": 1, "?isWinner=true": 0, "?size=2&page=2": 5} {
		if got := list(q)["totalElements"]; got != want {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	if got := len(list("?size=2&page=2")["content"].([]any)); got != 1 {
		t.Errorf("last page holds %d", got)
	}
	for _, q := range []string{"?storeVisited=maybe", "?channel=FAX", "?size=500"} {
		rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants"+q, acct.access, nil)
		wantProblem(t, rec, 400, apperr.CodeValidation)
	}
	rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants", other.access, nil)
	wantProblem(t, rec, 403, event.CodeForbidden)
	pid := first["participantId"].(string)
	if rec, p := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/"+pid, acct.access, nil); rec.Code != 200 || p["phoneNumber"] != "010-****-0004" {
		t.Errorf("get: %d %v", rec.Code, p)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/nope", acct.access, nil)
	wantProblem(t, rec, 404, participation.CodeNotFound)

	// Export (through its link): BOM, header, every row.
	records := exportCSV(t, f, id, acct.access)
	if len(records) != 6 || records[0][0] != "참여번호" || records[1][1] != "김*수" {
		t.Errorf("export rows: %v", records)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/export", other.access, nil)
	wantProblem(t, rec, 403, event.CodeForbidden)
}

// Redis work per accepted submit: one round trip in steady state (the
// snapshot, closed flag and duplicate check read together with both client
// limits, the phone limit and the entry number: entryGate), counted with
// the redis.RoundTrips hook on the submit's context. The first submit for
// an event this process has not seen live takes more (nothing is written
// before the event is known live); the cache warming after the commit is
// one pipeline per batch, off every submit's path, and not counted here.
func TestSubmitRedisRoundTrips(t *testing.T) {
	t.Parallel()
	rdb, _ := testenv.Redis(t)
	rt := &redis.RoundTrips{}
	rdb.AddHook(rt)
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), redis: rdb, rate: [2]int{1000, 10}, netRate: [2]int{1000, 1000}})
	_, id := liveEvent(t, f, "trips@example.com", "010-2000-0011")
	ev := uuid.MustParse(id)
	sub := func(i int) participation.Submission {
		return participation.Submission{Name: "왕복", PhoneNumber: fmt.Sprintf("010-5100-%04d", i), AgreePrivacy: true,
			Channel: "WEB", Source: "DIRECT", ClientIP: "203.0.113.77"}
	}
	for i := range 21 {
		ctx, n := redis.Counting(context.Background())
		if _, err := f.parts.Submit(ctx, ev, sub(i)); err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if i == 0 { // the snapshot is read into the cache, the gate script loaded
			t.Logf("first submit: %d Redis round trips", n.Load())
		} else if n.Load() != 1 {
			t.Errorf("submit %d: %d Redis round trips, want 1", i, n.Load())
		}
	}
	// The limits still hold on the one-round-trip path.
	ctx, _ := redis.Counting(context.Background())
	_, err := f.parts.Submit(ctx, ev, sub(0)) // a duplicate, caught by the fast path
	if apperr.As(err).Code != participation.CodeDuplicate {
		t.Errorf("duplicate: %v", err)
	}
}
