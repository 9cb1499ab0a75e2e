package phoneverify

import (
	"context"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/messaging"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/tools/channelsim"
)

// events is the events domain as this package sees it: snapshots by id.
type events map[uuid.UUID]event.Public

func (e events) Snapshot(_ context.Context, id uuid.UUID) (event.Public, error) {
	if p, ok := e[id]; ok {
		return p, nil
	}
	return event.Public{}, apperr.New(apperr.NotFound, "EVENT_001", "no such event")
}

type fixture struct {
	svc    *Service
	sim    *channelsim.Sim
	rdb    goredis.UniversalClient
	prefix string
	clock  *testenv.Clock
	live   uuid.UUID // verifyPhone on
	plain  uuid.UUID // verifyPhone off
	ended  uuid.UUID // verifyPhone on, ended
}

func newFixture(t *testing.T, cfg Config) fixture {
	t.Helper()
	rdb, prefix := testenv.Redis(t)
	sim := channelsim.New(channelsim.Options{Seed: 1})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	sender := messaging.NewNHN(messaging.Config{SMSBaseURL: srv.URL, SMSAppKey: "k", SMSSecretKey: "s", SendNo: "0212345678"}, srv.Client())
	clk := testenv.NewClock(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC))
	day := func(s string) event.Date { d, _ := event.ParseDate(s); return d }
	f := fixture{sim: sim, rdb: rdb, prefix: prefix, clock: clk, live: uuid.New(), plain: uuid.New(), ended: uuid.New()}
	evs := events{
		f.live:  {EventID: f.live, Status: event.StatusPublished, StartDate: day("2026-11-25"), EndDate: day("2026-12-10"), TimeZone: "Asia/Seoul", StoreName: "동네빵집", VerifyPhone: true},
		f.plain: {EventID: f.plain, Status: event.StatusPublished, StartDate: day("2026-11-25"), EndDate: day("2026-12-10"), TimeZone: "Asia/Seoul"},
		f.ended: {EventID: f.ended, Status: event.StatusEnded, StartDate: day("2026-11-01"), EndDate: day("2026-11-20"), TimeZone: "Asia/Seoul", VerifyPhone: true},
	}
	cfg.KeyPrefix = prefix + "phoneverify:"
	f.svc = NewService(rdb, evs, sender, testenv.Logger(t), cfg, clk.Now)
	return f
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// lastCode reads the code the simulator delivered to the phone.
func (f fixture) lastCode(t *testing.T, ph string) string {
	t.Helper()
	msgs := f.sim.Messages(ph)
	if len(msgs) == 0 {
		t.Fatalf("no SMS to %s", ph)
	}
	code := sixDigits.FindString(msgs[len(msgs)-1].Text)
	if code == "" {
		t.Fatalf("no code in %q", msgs[len(msgs)-1].Text)
	}
	return code
}

func (f fixture) keys(t *testing.T) []string {
	t.Helper()
	keys, err := testenv.RedisKeys(context.Background(), f.rdb, f.prefix+"*")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func wantCode(t *testing.T, err error, kind apperr.Kind, code string) *apperr.Error {
	t.Helper()
	e := apperr.As(err)
	if err == nil || e.Kind != kind || e.Code != code {
		t.Fatalf("got %v, want %v %s", err, kind, code)
	}
	return e
}

func TestSendConfirmCheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{SendsPerPhone: 5, SendsPerClient: 20})
	ctx := context.Background()
	sent, err := f.svc.Send(ctx, f.live, "010-1234-5678", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if sent.ExpiresInSeconds != 180 || sent.ResendAfterSeconds != 60 {
		t.Errorf("sent %+v", sent)
	}
	code := f.lastCode(t, "01012345678")
	// Nothing in clear: the code's key holds a salted hash.
	for _, k := range f.keys(t) {
		vals, _ := f.rdb.HGetAll(ctx, k).Result()
		for _, v := range vals {
			if v == code {
				t.Errorf("key %s holds the code in clear", k)
			}
		}
		if ttl := f.rdb.PTTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("key %s has no TTL (%v)", k, ttl)
		}
	}
	v, err := f.svc.Confirm(ctx, f.live, "+82 10 1234 5678", code, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	if v.VerificationToken == "" || v.ExpiresInSeconds != 1800 {
		t.Errorf("verified %+v", v)
	}
	// The token proves this phone for this event, and nothing else.
	if err := f.svc.Check(ctx, f.live, "01012345678", v.VerificationToken); err != nil {
		t.Errorf("good token refused: %v", err)
	}
	wantCode(t, f.svc.Check(ctx, f.live, "01099998888", v.VerificationToken), apperr.Invalid, CodeTokenInvalid)
	wantCode(t, f.svc.Check(ctx, f.plain, "01012345678", v.VerificationToken), apperr.Invalid, CodeTokenInvalid)
	wantCode(t, f.svc.Check(ctx, f.live, "01012345678", ""), apperr.Invalid, CodeTokenMissing)
	wantCode(t, f.svc.Check(ctx, f.live, "01012345678", "made-up"), apperr.Invalid, CodeTokenInvalid)
	// The code is single-use.
	wantCode(t, mustErr(f.svc.Confirm(ctx, f.live, "01012345678", code, "192.0.2.1")), apperr.Invalid, CodeNoCode)
	// Used once, the token is void; past its life, too.
	f.svc.Consume(ctx, v.VerificationToken)
	wantCode(t, f.svc.Check(ctx, f.live, "01012345678", v.VerificationToken), apperr.Invalid, CodeTokenInvalid)
	f.clock.Advance(61 * time.Second)
	if _, err := f.svc.Send(ctx, f.live, "01012345678", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	v, err = f.svc.Confirm(ctx, f.live, "01012345678", f.lastCode(t, "01012345678"), "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(30 * time.Minute)
	wantCode(t, f.svc.Check(ctx, f.live, "01012345678", v.VerificationToken), apperr.Invalid, CodeTokenInvalid)
}

func mustErr[T any](_ T, err error) error { return err }

func TestWrongCodesExpiryAndResend(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{SendsPerPhone: 5, SendsPerClient: 20})
	ctx := context.Background()
	const ph = "01022223333"
	if _, err := f.svc.Send(ctx, f.live, ph, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	code := f.lastCode(t, ph)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	// Too soon to resend: PHONE_002 with the seconds left.
	f.clock.Advance(20 * time.Second)
	e := wantCode(t, mustErr(f.svc.Send(ctx, f.live, ph, "192.0.2.1")), apperr.TooMany, CodeResendTooSoon)
	if e.Extra["retryAfterSeconds"] != 40 {
		t.Errorf("retryAfterSeconds %v, want 40", e.Extra["retryAfterSeconds"])
	}
	// Wrong codes count down; the fifth voids the code.
	for left := MaxTries - 1; left >= 1; left-- {
		e := wantCode(t, mustErr(f.svc.Confirm(ctx, f.live, ph, wrong, "192.0.2.1")), apperr.Invalid, CodeWrongCode)
		if e.Extra["remainingTries"] != left {
			t.Errorf("remainingTries %v, want %d", e.Extra["remainingTries"], left)
		}
	}
	wantCode(t, mustErr(f.svc.Confirm(ctx, f.live, ph, wrong, "192.0.2.1")), apperr.TooMany, CodeTooManyTries)
	wantCode(t, mustErr(f.svc.Confirm(ctx, f.live, ph, code, "192.0.2.1")), apperr.Invalid, CodeNoCode)

	// After 60 s a new code goes out; it expires after 3 minutes.
	f.clock.Advance(41 * time.Second)
	if _, err := f.svc.Send(ctx, f.live, ph, "192.0.2.1"); err != nil {
		t.Fatalf("resend after 61 s: %v", err)
	}
	code = f.lastCode(t, ph)
	f.clock.Advance(CodeTTL)
	wantCode(t, mustErr(f.svc.Confirm(ctx, f.live, ph, code, "192.0.2.1")), apperr.Invalid, CodeNoCode)

	// Malformed input names its field.
	e = wantCode(t, mustErr(f.svc.Confirm(ctx, f.live, "12", "12ab", "192.0.2.1")), apperr.Invalid, apperr.CodeValidation)
	if len(e.Extra) == 0 && e.Detail == "" {
		t.Errorf("validation without detail: %+v", e)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{SendsPerPhone: 2, SendsPerClient: 3})
	ctx := context.Background()
	send := func(ph, ip string) error {
		f.clock.Advance(61 * time.Second)
		_, err := f.svc.Send(ctx, f.live, ph, ip)
		return err
	}
	for i := 0; i < 2; i++ {
		if err := send("01040004000", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	e := wantCode(t, send("01040004000", "192.0.2.1"), apperr.TooMany, CodeLimit)
	if s, _ := e.Extra["retryAfterSeconds"].(int); s <= 0 || s > 3600 {
		t.Errorf("retryAfterSeconds %v", e.Extra["retryAfterSeconds"])
	}
	// The client has made 3 requests: the fourth, for any phone, is refused.
	wantCode(t, send("01050005000", "192.0.2.1"), apperr.TooMany, CodeLimit)
	if err := send("01050005000", "192.0.2.2"); err != nil {
		t.Errorf("another client: %v", err)
	}
	if n := len(f.sim.Messages("01040004000")); n != 2 {
		t.Errorf("%d messages to the limited phone, want 2", n)
	}
	// A provider failure leaves the customer free to ask again at once.
	f.sim.FailRecipient("01060006000", channelsim.MsgSMS, channelsim.FailTransient, 1)
	wantCode(t, send("01060006000", "192.0.2.3"), apperr.Unavailable, CodeSendFailed)
	if _, err := f.svc.Send(ctx, f.live, "01060006000", "192.0.2.3"); err != nil {
		t.Errorf("retry after a failed send: %v", err)
	}
	f.sim.FailRecipient("01070007000", channelsim.MsgSMS, channelsim.FailPermanent, 1)
	wantCode(t, send("01070007000", "192.0.2.3"), apperr.Invalid, CodeUnreachable)
	for _, k := range f.keys(t) {
		if ttl := f.rdb.PTTL(ctx, k).Val(); ttl <= 0 {
			t.Errorf("key %s has no TTL (%v)", k, ttl)
		}
	}
}

// Unknown, ended or unverified events get their refusal and leave Redis
// untouched; so does a client over its limit.
func TestNothingWrittenForRefusedEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{SendsPerPhone: 5, SendsPerClient: 1})
	ctx := context.Background()
	_, err := f.svc.Send(ctx, uuid.New(), "01012345678", "192.0.2.1")
	wantCode(t, err, apperr.NotFound, "EVENT_001")
	_, err = f.svc.Confirm(ctx, uuid.New(), "01012345678", "123456", "192.0.2.1")
	wantCode(t, err, apperr.NotFound, "EVENT_001")
	_, err = f.svc.Send(ctx, f.ended, "01012345678", "192.0.2.1")
	wantCode(t, err, apperr.Invalid, CodeNotOpen)
	_, err = f.svc.Send(ctx, f.plain, "01012345678", "192.0.2.1")
	wantCode(t, err, apperr.Invalid, CodeNotEnabled)
	_, err = f.svc.Confirm(ctx, f.live, "01012345678", "123456", "192.0.2.1") // no code sent: reads only
	if e := apperr.As(err); e.Code != CodeNoCode {
		t.Fatalf("confirm without a code: %v", err)
	}
	// Confirm counted the client (its own counter); nothing else exists.
	for _, k := range f.keys(t) {
		if !regexp.MustCompile(`phoneverify:confirms:client:`).MatchString(k) {
			t.Errorf("unexpected key %s", k)
		}
	}
	if _, err := f.svc.Send(ctx, f.live, "01012345678", "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	before := len(f.keys(t))
	f.clock.Advance(61 * time.Second)
	_, err = f.svc.Send(ctx, f.live, "01099990000", "192.0.2.9")
	wantCode(t, err, apperr.TooMany, CodeLimit)
	if after := len(f.keys(t)); after != before {
		t.Errorf("a refused client added keys: %d → %d", before, after)
	}
	if len(f.sim.Messages("")) != 1 {
		t.Errorf("messages sent: %+v", f.sim.Messages(""))
	}
}
