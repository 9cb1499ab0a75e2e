package event_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/user"
)

func day(s string) event.Date {
	d, err := event.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// The derivation is fixed (vectors computed independently with Python's
// hmac): HMAC-SHA256(secret, "visit|<id>|<date>"), first 4 bytes big-endian
// mod 1,000,000, six digits.
func TestVisitCodeFor(t *testing.T) {
	t.Parallel()
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(i)
	}
	id := uuid.MustParse("5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11")
	for _, c := range []struct{ day, want string }{{"2026-11-26", "857317"}, {"2026-11-27", "843650"}} {
		if got := event.VisitCodeFor(secret, id, day(c.day)); got != c.want {
			t.Errorf("%s: %s, want %s", c.day, got, c.want)
		}
	}
	// Another event or another secret: another code.
	if event.VisitCodeFor(secret, uuid.New(), day("2026-11-26")) == "857317" || event.VisitCodeFor(secret[1:], id, day("2026-11-26")) == "857317" {
		t.Error("the code does not depend on the event and the secret")
	}
	// Always six digits, leading zeros kept; the days differ.
	seen := map[string]bool{}
	d := day("2026-01-01")
	for range 400 {
		c := event.VisitCodeFor(secret, id, d)
		if !event.WellFormedVisitCode(c) {
			t.Fatalf("%s: %q", d, c)
		}
		seen[c] = true
		d = event.Date{Time: d.AddDate(0, 0, 1)}
	}
	if len(seen) < 395 {
		t.Errorf("only %d distinct codes over 400 days", len(seen))
	}
	for s, want := range map[string]bool{"012345": true, "12345": false, "1234567": false, "12a456": false, " 12345": false, "１２３４５６": false, "": false} {
		if event.WellFormedVisitCode(s) != want {
			t.Errorf("WellFormedVisitCode(%q) != %v", s, want)
		}
	}
}

// The owner's code is the one CheckVisitCode accepts, on that day only;
// another owner gets EVENT_003; the secret is read once, then cached.
func TestVisitCodeService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newReadyEvent(t, counter, nil) // now = 2026-11-22 03:00 UTC = 12:00 in Seoul
	v, err := r.svc.VisitCode(ctx, r.caller, r.id)
	if err != nil {
		t.Fatal(err)
	}
	// The service's zone is UTC in this fixture (no TimeZone configured).
	if v.ValidOn.String() != "2026-11-22" || !v.ValidUntil.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) ||
		v.QRURL != "https://x/e/"+r.id.String()+"?ch=STORE_QR&v="+v.Code || !event.WellFormedVisitCode(v.Code) {
		t.Fatalf("visit code: %+v", v)
	}
	var secret []byte
	if err := r.db.QueryRow(ctx, `SELECT visit_secret FROM events.events WHERE event_id = $1`, r.id).Scan(&secret); err != nil || len(secret) != 32 {
		t.Fatalf("secret: %d bytes, %v", len(secret), err)
	}
	if v.Code != event.VisitCodeFor(secret, r.id, v.ValidOn) {
		t.Error("the owner's code is not the derived one")
	}
	for _, c := range []struct {
		day, code string
		ok        bool
	}{{"2026-11-22", v.Code, true}, {"2026-11-23", v.Code, event.VisitCodeFor(secret, r.id, day("2026-11-23")) == v.Code}, {"2026-11-22", "abc", false}} {
		ok, err := r.svc.CheckVisitCode(ctx, r.id, day(c.day), c.code)
		if err != nil || ok != c.ok {
			t.Errorf("%s %s: %v %v", c.day, c.code, ok, err)
		}
	}
	// Cached: a changed secret in Postgres does not reach this instance
	// (the secret never changes; this only proves no read happens).
	if _, err := r.db.Exec(ctx, `UPDATE events.events SET visit_secret = '\x00112233445566778899aabbccddeeff' WHERE event_id = $1`, r.id); err != nil {
		t.Fatal(err)
	}
	if ok, _ := r.svc.CheckVisitCode(ctx, r.id, day("2026-11-22"), v.Code); !ok {
		t.Error("the secret was read again")
	}
	// Another owner.
	other := user.Caller{UserID: uuid.New(), StoreID: uuid.New(), Role: user.RoleOwner}
	if _, err := r.svc.VisitCode(ctx, other, r.id); err == nil {
		t.Error("another owner read the code")
	}
	if _, err := r.svc.CheckVisitCode(ctx, uuid.New(), day("2026-11-22"), "123456"); err == nil {
		t.Error("an unknown event's code was checked")
	}
	// Each event has its own secret.
	var distinct int
	if err := r.db.QueryRow(ctx, `SELECT count(DISTINCT visit_secret) - count(*) FROM events.events`).Scan(&distinct); err != nil || distinct != 0 {
		t.Errorf("secrets shared between events: %d %v", distinct, err)
	}
}
