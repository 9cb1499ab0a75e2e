package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
)

// visitCodeToday reads today's store visit code as the event's owner.
func visitCodeToday(t *testing.T, f fixture, acct account, id string) string {
	t.Helper()
	rec, out := call(t, f.srv, "GET", "/api/v1/events/"+id+"/visit-code", acct.access, nil)
	if rec.Code != 200 {
		t.Fatalf("visit code: %d %s", rec.Code, rec.Body)
	}
	return out["code"].(string)
}

// visitEntry is an entry carrying a store visit code (and no storeVisited:
// the server derives it).
func visitEntry(name, phone, code string) map[string]any {
	e := entry(name, phone, false)
	delete(e, "storeVisited")
	e["visitCode"] = code
	return e
}

// stored counts what an event's entries left behind: participant rows and
// entries listed in ParticipantsRegistered messages in the outbox.
func stored(t *testing.T, f fixture, id string) (rows, msgs int) {
	t.Helper()
	ctx := context.Background()
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM participation.participants WHERE event_id = $1`, id).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM outbox.messages m, jsonb_array_elements(m.body->'entries')
		WHERE m.subject = $1 AND m.correlation_id = $2`, participation.TypeParticipantsRegistered, id).Scan(&msgs); err != nil {
		t.Fatal(err)
	}
	return rows, msgs
}

// The owner reads today's code; it changes at midnight in Seoul. Only
// today's code earns the store-visit bonus; anything else, and a claimed
// visit without a code, is PART_010 and stores nothing.
func TestVisitCode(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "visit@example.com", "010-2100-0001") // 2026-11-26 12:00 in Seoul
	other := register(t, f, "visit2@example.com", "010-2100-0002")

	rec, out := call(t, f.srv, "GET", "/api/v1/events/"+id+"/visit-code", acct.access, nil)
	code, _ := out["code"].(string)
	if rec.Code != 200 || !event.WellFormedVisitCode(code) || out["validOn"] != "2026-11-26" ||
		out["validUntil"] != "2026-11-26T15:00:00Z" || out["qrUrl"] != "https://app.example/e/"+id+"?ch=STORE_QR&v="+code {
		t.Fatalf("visit code: %d %v", rec.Code, out)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	// Owner only.
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/visit-code", other.access, nil)
	wantProblem(t, rec, 403, event.CodeForbidden)
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/visit-code", "", nil)
	wantProblem(t, rec, 401, "AUTH_002")
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11/visit-code", acct.access, nil)
	wantProblem(t, rec, 404, event.CodeNotFound)

	// Today's code: three entries, a store visit.
	rec, out = submit(t, f, id, visitEntry("김방문", "010-3100-0001", code))
	if rec.Code != 201 || out["bonusEntries"] != float64(3) {
		t.Fatalf("today's code: %d %v", rec.Code, out)
	}
	if n, _ := f.rdb.Exists(context.Background(), f.prefix+"participation:session:{"+id+"}:01031000001").Result(); n != 1 {
		t.Fatal("the duplicate fast path is not where this test looks for it")
	}
	// storeVisited: true alongside the code is fine; storeVisited: false
	// does not take the visit away (it follows from the code).
	body := visitEntry("이방문", "010-3100-0002", code)
	body["storeVisited"] = false
	if rec, out := submit(t, f, id, body); rec.Code != 201 || out["bonusEntries"] != float64(3) {
		t.Fatalf("code with storeVisited false: %d %v", rec.Code, out)
	}
	// Without a code: one entry.
	if rec, out := submit(t, f, id, entry("박그냥", "010-3100-0003", false)); rec.Code != 201 || out["bonusEntries"] != float64(1) {
		t.Fatalf("no code: %d %v", rec.Code, out)
	}
	_, list := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants?storeVisited=true", acct.access, nil)
	if list["totalElements"] != float64(2) {
		t.Errorf("store visits listed: %v", list["totalElements"])
	}

	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	refused := func(name string, body map[string]any) {
		t.Helper()
		rows, msgs := stored(t, f, id)
		phone := body["phoneNumber"].(string)
		rec, _ := submit(t, f, id, body)
		if rec.Code != 400 {
			t.Fatalf("%s: %d %s", name, rec.Code, rec.Body)
		}
		var p struct {
			Code   string              `json:"code"`
			Errors []apperr.FieldError `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Code != participation.CodeVisitCode ||
			len(p.Errors) != 1 || p.Errors[0].Field != "visitCode" {
			t.Errorf("%s: %s", name, rec.Body)
		}
		if r, m := stored(t, f, id); r != rows || m != msgs {
			t.Errorf("%s: stored %d rows and %d messages", name, r-rows, m-msgs)
		}
		// Nothing in Redis says this phone entered.
		digits := "0" + phone[1:4] + phone[5:9] + phone[10:]
		if n, _ := f.rdb.Exists(context.Background(), f.prefix+"participation:session:{"+id+"}:"+digits).Result(); n != 0 {
			t.Errorf("%s: the duplicate fast path was written", name)
		}
		// The customer can correct it: the same phone enters without a code.
		if name == "wrong code" {
			if rec, _ := submit(t, f, id, entry("고침", phone, false)); rec.Code != 201 {
				t.Errorf("entering without the bonus after PART_010: %d %s", rec.Code, rec.Body)
			}
		}
	}
	refused("wrong code", visitEntry("최틀림", "010-3100-0004", wrong))
	for name, c := range map[string]string{"five digits": "12345", "letters": "12a456", "seven digits": "1234567", "full-width digits": "１２３４５６"} {
		refused(name, visitEntry("최형식", "010-3100-0005", c))
	}
	refused("storeVisited without a code", entry("최주장", "010-3100-0006", true))

	// Steady state: a visit entry asks Postgres nothing but the insert (the
	// secret is cached in memory; the snapshot is in Redis).
	// Only the request's own queries count (the outbox sender shares the pool).
	raw, _ := json.Marshal(visitEntry("정빠름", "010-3100-0007", code))
	ctx, queries := f.pgq.Scope(context.Background())
	req := httptest.NewRequest("POST", "/api/v1/events/"+id+"/participate", bytes.NewReader(raw)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	got := httptest.NewRecorder()
	f.srv.ServeHTTP(got, req)
	if got.Code != 201 {
		t.Fatalf("steady-state visit entry: %d %s", got.Code, got.Body)
	}
	if sql := queries.SQL(); len(sql) != 1 || !strings.Contains(sql[0], "participation.enter_batch(") {
		t.Errorf("a visit entry ran %d Postgres queries, want only its batch's call of enter_batch: %q", len(sql), sql)
	}

	// The next day in Seoul: yesterday's code is refused and stores nothing;
	// the owner sees a new code, which works.
	f.clock.Advance(time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
	refused("yesterday's code", visitEntry("한어제", "010-3100-0008", code))
	_, out = login(t, f, "visit@example.com", goodPassword)
	acct.access = out["accessToken"].(string)
	today := visitCodeToday(t, f, acct, id)
	if today == code {
		t.Fatalf("the code did not change overnight: %s", today)
	}
	if rec, out := submit(t, f, id, visitEntry("한어제", "010-3100-0008", today)); rec.Code != 201 || out["bonusEntries"] != float64(3) {
		t.Fatalf("today's new code: %d %v", rec.Code, out)
	}
}
