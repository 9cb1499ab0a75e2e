package handlers

import (
	"regexp"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/phoneverify"
)

// verifiedEvent publishes an event with verifyPhone (set on the draft by
// EventUpdate); the clock stays before its start.
func verifiedEvent(t *testing.T, f fixture, acct account) string {
	t.Helper()
	id := draftWithPlan(t, f, acct)
	rec, ev := call(t, f.srv, "PUT", "/api/v1/events/"+id, acct.access, map[string]any{"verifyPhone": true})
	if rec.Code != 200 || ev["verifyPhone"] != true {
		t.Fatalf("verifyPhone on the draft: %d %s", rec.Code, rec.Body)
	}
	verifyStoreLine(t, f, acct)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, goodChannels); rec.Code != 200 {
		t.Fatalf("channels: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/publish", acct.access, nil); rec.Code != 200 {
		t.Fatalf("publish: %d %s", rec.Code, rec.Body)
	}
	return id
}

// intoEvents moves the clock into the events' dates (2026-11-26).
func intoEvents(f fixture) {
	f.clock.Advance(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Sub(f.clock.Now()))
}

var smsCode = regexp.MustCompile(`\b\d{6}\b`)

// verify runs both steps through the simulator and returns the token.
func verify(t *testing.T, f fixture, id, phone string) string {
	t.Helper()
	rec, out := call(t, f.srv, "POST", "/api/v1/public/events/"+id+"/phone-verifications", "", map[string]any{"phoneNumber": phone})
	if rec.Code != 202 || out["expiresInSeconds"] != float64(180) || out["resendAfterSeconds"] != float64(60) {
		t.Fatalf("send code: %d %s", rec.Code, rec.Body)
	}
	msgs := f.sim.Messages(phone)
	code := smsCode.FindString(msgs[len(msgs)-1].Text)
	rec, out = call(t, f.srv, "POST", "/api/v1/public/events/"+id+"/phone-verifications/confirm", "", map[string]any{"phoneNumber": phone, "code": code})
	if rec.Code != 200 || out["verificationToken"] == "" {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	return out["verificationToken"].(string)
}

func withToken(body map[string]any, token string) map[string]any {
	body["verificationToken"] = token
	return body
}

// A phone-verified event takes an entry only with a token for that phone
// and event, once; a refused entry stores nothing.
func TestPhoneVerifiedEntry(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "verify@example.com", "010-2100-0001")
	id := verifiedEvent(t, f, acct)
	other := verifiedEvent(t, f, acct)
	plain := publishedEvent(t, f, acct)

	_, ev := call(t, f.srv, "GET", "/api/v1/events/"+id, acct.access, nil)
	if ev["verifyPhone"] != true {
		t.Errorf("EventGet verifyPhone %v", ev["verifyPhone"])
	}
	rec, pub := call(t, f.srv, "GET", "/api/v1/public/events/"+id, "", nil)
	if rec.Code != 200 || pub["verifyPhone"] != true {
		t.Errorf("EventPublicGet verifyPhone: %d %v", rec.Code, pub["verifyPhone"])
	}
	// Published: the setting is frozen, as every other field.
	rec, _ = call(t, f.srv, "PUT", "/api/v1/events/"+id, acct.access, map[string]any{"verifyPhone": false})
	if rec.Code == 200 {
		t.Errorf("verifyPhone changed on a published event")
	}
	intoEvents(f)

	rec, _ = submit(t, f, id, entry("김민수", "010-3000-0001", false))
	wantProblem(t, rec, 400, phoneverify.CodeTokenMissing)
	token := verify(t, f, id, "01030000001")
	rec, _ = submit(t, f, id, withToken(entry("김민수", "010-9999-0001", false), token)) // another phone
	wantProblem(t, rec, 400, phoneverify.CodeTokenInvalid)
	rec, _ = submit(t, f, other, withToken(entry("김민수", "010-3000-0001", false), token)) // another event
	wantProblem(t, rec, 400, phoneverify.CodeTokenInvalid)
	var n int
	if err := f.db.QueryRow(t.Context(), `SELECT count(*) FROM participation.participants WHERE event_id IN ($1, $2)`, id, other).Scan(&n); err != nil || n != 0 {
		t.Fatalf("refused entries stored %d rows (%v)", n, err)
	}

	rec, out := submit(t, f, id, withToken(entry("김민수", "010-3000-0001", false), token))
	if rec.Code != 201 {
		t.Fatalf("entry with a good token: %d %v", rec.Code, out)
	}
	// Single use.
	rec, _ = submit(t, f, id, withToken(entry("이영희", "010-3000-0001", false), token))
	wantProblem(t, rec, 400, phoneverify.CodeTokenInvalid)
	// A duplicate refusal does not burn a fresh token: the answer stays
	// "already entered", never a verification error.
	f.clock.Advance(61 * time.Second)
	again := verify(t, f, id, "01030000001")
	for i := 0; i < 2; i++ {
		rec, _ = submit(t, f, id, withToken(entry("김민수", "010-3000-0001", false), again))
		wantProblem(t, rec, 409, participation.CodeDuplicate)
	}

	// Without verifyPhone the code request is refused, and entries need no token.
	rec, _ = call(t, f.srv, "POST", "/api/v1/public/events/"+plain+"/phone-verifications", "", map[string]any{"phoneNumber": "010-3000-0002"})
	wantProblem(t, rec, 400, phoneverify.CodeNotEnabled)
	if rec, _ := submit(t, f, plain, entry("박지민", "010-3000-0002", false)); rec.Code != 201 {
		t.Errorf("entry without verification: %d %s", rec.Code, rec.Body)
	}
}

func TestPhoneVerificationRefusals(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "verify2@example.com", "010-2100-0002")
	id := verifiedEvent(t, f, acct)
	intoEvents(f)
	path := "/api/v1/public/events/" + id + "/phone-verifications"

	rec, _ := call(t, f.srv, "POST", path, "", map[string]any{"phoneNumber": "010-3100-0001"})
	if rec.Code != 202 {
		t.Fatalf("send: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, f.srv, "POST", path, "", map[string]any{"phoneNumber": "010-3100-0001"})
	wantProblem(t, rec, 429, phoneverify.CodeResendTooSoon)
	if rec.Header().Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", rec.Header().Get("Retry-After"))
	}
	rec, out := call(t, f.srv, "POST", path+"/confirm", "", map[string]any{"phoneNumber": "010-3100-0001", "code": "12345x"})
	wantProblem(t, rec, 400, "VALIDATION_001")
	_ = out
	sms := f.sim.Messages("01031000001")
	if len(sms) == 0 {
		t.Fatal("no SMS to 01031000001")
	}
	code := smsCode.FindString(sms[0].Text)
	wrong := "000000"
	if code == wrong {
		wrong = "999999"
	}
	rec, out = call(t, f.srv, "POST", path+"/confirm", "", map[string]any{"phoneNumber": "010-3100-0001", "code": wrong})
	wantProblem(t, rec, 400, phoneverify.CodeWrongCode)
	if out["remainingTries"] != float64(4) {
		t.Errorf("remainingTries %v", out["remainingTries"])
	}
	rec, _ = call(t, f.srv, "POST", path+"/confirm", "", map[string]any{"phoneNumber": "010-3100-0009", "code": "123456"})
	wantProblem(t, rec, 400, phoneverify.CodeNoCode)
	rec, _ = call(t, f.srv, "POST", "/api/v1/public/events/00000000-0000-4000-8000-000000000000/phone-verifications", "",
		map[string]any{"phoneNumber": "010-3100-0001"})
	if rec.Code != 404 {
		t.Errorf("unknown event: %d %s", rec.Code, rec.Body)
	}
}
