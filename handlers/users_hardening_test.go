package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
)

// Sign-ups from one address are limited (each costs a bcrypt hash): 429
// AUTH_007 with Retry-After; another address is not affected.
func TestRegisterRateLimitPerAddress(t *testing.T) {
	t.Parallel()
	cfg := testUserConfig()
	cfg.RegisterRatePerIP = 2
	f := newServerWith(t, cfg, nil)
	ip, other := "2001:db8:7::1", "2001:db8:8::1" // the counters live under the test's key prefix
	for i := range 2 {
		rec, _ := call(t, f.srv, "POST", "/api/v1/users/register", "", registration(fmt.Sprintf("r%d@example.com", i), fmt.Sprintf("010-3131-000%d", i)), "X-Forwarded-For", ip)
		if rec.Code != 201 {
			t.Fatalf("sign-up %d: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec, _ := call(t, f.srv, "POST", "/api/v1/users/register", "", registration("r2@example.com", "010-3131-0002"), "X-Forwarded-For", ip)
	wantProblem(t, rec, 429, user.CodeTooManySignUps)
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/register", "", registration("r3@example.com", "010-3131-0003"), "X-Forwarded-For", other)
	if rec.Code != 201 {
		t.Fatalf("sign-up from another address: %d %s", rec.Code, rec.Body)
	}
}

// Password change attempts per account are limited: 429 AUTH_008, even
// with the right current password, with Retry-After when the next attempt
// passes (GCRA on Redis's clock: 3 an hour, one per 20 minutes after the
// burst); another account is not affected.
func TestPasswordChangeAttemptsLimited(t *testing.T) {
	t.Parallel()
	cfg := testUserConfig()
	cfg.PasswordChangesPerHour = 3
	f := newServerWith(t, cfg, nil)
	acct := register(t, f, "pwlimit@example.com", "010-3232-4545")
	token := acct.access
	change := func(current string) *httptest.ResponseRecorder {
		rec, _ := call(t, f.srv, "PUT", "/api/v1/users/password", token, map[string]string{"currentPassword": current, "newPassword": "n3w-pass-word!"})
		return rec
	}
	for range 3 {
		wantProblem(t, change("wrong-pass-1!"), 400, user.CodeWrongPassword)
	}
	rec := change(goodPassword)
	wantProblem(t, rec, 429, user.CodeTooManyPasswordChanges)
	if ra, _ := strconv.Atoi(rec.Header().Get("Retry-After")); ra < 1190 || ra > 1200 {
		t.Errorf("Retry-After %q, want about 1200 (20 minutes)", rec.Header().Get("Retry-After"))
	}
	token = register(t, f, "pwother@example.com", "010-3232-4646").access
	if rec := change(goodPassword); rec.Code != 204 {
		t.Fatalf("another account: %d %s", rec.Code, rec.Body)
	}
}

// An attacker's failures lock only their own network out of the account:
// the owner on another network still signs in.
func TestLoginLockoutIsPerNetwork(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	register(t, f, "victim@example.com", "010-4141-5252")
	for i := 1; i <= 4; i++ {
		rec, _ := login(t, f, "victim@example.com", "guess-pass-1!", "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		wantProblem(t, rec, 401, user.CodeLoginFailed)
	}
	rec, _ := login(t, f, "victim@example.com", "guess-pass-1!", "X-Forwarded-For", "203.0.113.200")
	wantProblem(t, rec, 429, user.CodeLocked)
	// The whole /24 is locked, with the right password too.
	rec, _ = login(t, f, "victim@example.com", goodPassword, "X-Forwarded-For", "203.0.113.77")
	wantProblem(t, rec, 429, user.CodeLocked)
	if ra := rec.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	// The owner at home (IPv4) and on the phone (IPv6) is not.
	if rec, _ := login(t, f, "victim@example.com", goodPassword, "X-Forwarded-For", "198.51.100.7"); rec.Code != 200 {
		t.Fatalf("owner on another network: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := login(t, f, "victim@example.com", goodPassword, "X-Forwarded-For", "2001:db8:1:2::5"); rec.Code != 200 {
		t.Fatalf("owner on IPv6: %d %s", rec.Code, rec.Body)
	}
	// An IPv6 attacker rotating addresses within one /64 is one network.
	for i := 1; i <= 5; i++ {
		rec, _ = login(t, f, "victim@example.com", "guess-pass-1!", "X-Forwarded-For", fmt.Sprintf("2001:db8:9:9::%x", i))
	}
	wantProblem(t, rec, 429, user.CodeLocked)
}

// Unknown and known emails answer alike through the whole lockout
// sequence: same status, code, detail and Retry-After at every step.
func TestLoginUnknownAndKnownEmailsAnswerAlike(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	register(t, f, "known@example.com", "010-6161-7272")
	answer := func(email string) string {
		rec, _ := login(t, f, email, "guess-pass-1!", "X-Forwarded-For", "192.0.2.44")
		p := decodeProblem(t, rec)
		return fmt.Sprintf("%d %s %q retry=%q", rec.Code, p.Code, p.Detail, rec.Header().Get("Retry-After"))
	}
	for i := 1; i <= 8; i++ {
		known, unknown := answer("known@example.com"), answer("unknown@example.com")
		if known != unknown {
			t.Errorf("attempt %d: known %s, unknown %s", i, known, unknown)
		}
		if i == 5 && !strings.HasPrefix(known, "429 "+user.CodeLocked) {
			t.Errorf("attempt 5: %s, want 429 %s", known, user.CodeLocked)
		}
	}
}

// Failures from many networks slow the account down (429 AUTH_003 with a
// short Retry-After), but never for a network the owner signed in from.
func TestLoginAccountSlowdown(t *testing.T) {
	t.Parallel()
	cfg := testUserConfig()
	cfg.LoginSlowdownAfter = 8
	f := newServerWith(t, cfg, nil)
	register(t, f, "slow@example.com", "010-8181-9292")
	if rec, _ := login(t, f, "slow@example.com", goodPassword, "X-Forwarded-For", "198.51.100.7"); rec.Code != 200 {
		t.Fatalf("owner: %d", rec.Code)
	}
	for i := range 8 { // four networks, two tries each: none of them locked
		rec, _ := login(t, f, "slow@example.com", "guess-pass-1!", "X-Forwarded-For", fmt.Sprintf("203.0.%d.1", 10+i/2))
		wantProblem(t, rec, 401, user.CodeLoginFailed)
	}
	rec, _ := login(t, f, "slow@example.com", "guess-pass-1!", "X-Forwarded-For", "203.0.50.1")
	wantProblem(t, rec, 429, user.CodeLocked)
	ra := rec.Header().Get("Retry-After")
	if ra == "" || ra == "0" || len(ra) > 2 {
		t.Errorf("slow-down Retry-After %q, want a few seconds", ra)
	}
	// The owner's own network is not slowed down.
	if rec, _ := login(t, f, "slow@example.com", goodPassword, "X-Forwarded-For", "198.51.100.9"); rec.Code != 200 {
		t.Fatalf("owner during the slow-down: %d %s", rec.Code, rec.Body)
	}
	// After the delay, the next try is heard (and fails).
	f.clock.Advance(time.Minute)
	rec, _ = login(t, f, "slow@example.com", "guess-pass-1!", "X-Forwarded-For", "203.0.51.1")
	wantProblem(t, rec, 401, user.CodeLoginFailed)
}

// failingWrites is a Redis hook that refuses every write while on: reads
// still work, as when a primary fails over or memory is full.
type failingWrites struct{ on atomic.Bool }

var errWriteRefused = errors.New("test: Redis write refused")

func isRead(cmd goredis.Cmder) bool {
	switch strings.ToLower(cmd.Name()) {
	case "get", "exists", "mget", "ttl", "pttl", "ping", "hello", "client", "select", "auth":
		return true
	}
	return false
}

func (h *failingWrites) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (h *failingWrites) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if h.on.Load() && !isRead(cmd) {
			cmd.SetErr(errWriteRefused)
			return errWriteRefused
		}
		return next(ctx, cmd)
	}
}
func (h *failingWrites) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if h.on.Load() {
			for _, c := range cmds {
				if !isRead(c) && c.Name() != "multi" && c.Name() != "exec" {
					for _, c := range cmds {
						c.SetErr(errWriteRefused)
					}
					return errWriteRefused
				}
			}
		}
		return next(ctx, cmds)
	}
}

func writeFailingRedis(t *testing.T) (goredis.UniversalClient, *failingWrites) {
	t.Helper()
	rdb := testenv.RedisClient(t)
	h := &failingWrites{}
	rdb.AddHook(h)
	return rdb, h
}

// A logout or password change that answers 2xx leaves no token usable, even
// when Redis refuses the revocation write; when it cannot make sure, it
// answers 503 AUTH_009 and a retry finishes the job.
func TestRevocationFailsClosed(t *testing.T) {
	t.Parallel()
	rdb, writes := writeFailingRedis(t)
	f := newServerWith(t, testUserConfig(), rdb)

	acct := register(t, f, "closed@example.com", "010-7373-8484")
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil); rec.Code != 200 {
		t.Fatalf("profile: %d", rec.Code)
	}
	writes.on.Store(true)
	rec, _ := call(t, f.srv, "POST", "/api/v1/users/logout", acct.access, nil)
	after, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	if rec.Code/100 == 2 && after.Code != 401 {
		t.Fatalf("logout answered %d with Redis refusing writes, and the token still reads the profile (%d)", rec.Code, after.Code)
	}
	wantProblem(t, rec, 503, user.CodeRevocationPending)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	// The refresh token is dead already (Postgres has the revocation).
	rec, _ = call(t, f.srv, "POST", "/api/v1/users/refresh", "", map[string]string{"refreshToken": acct.refresh})
	wantProblem(t, rec, 401, user.CodeBadToken)
	// Redis is back: the retry answers 204 and the token is refused.
	writes.on.Store(false)
	if rec, _ := call(t, f.srv, "POST", "/api/v1/users/logout", acct.access, nil); rec.Code != 204 {
		t.Fatalf("logout retry: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)

	// Password change: the other sessions must not stay usable after a 2xx.
	_, one := login(t, f, "closed@example.com", goodPassword)
	_, two := login(t, f, "closed@example.com", goodPassword)
	other := two["accessToken"].(string)
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", other, nil); rec.Code != 200 {
		t.Fatalf("other session: %d", rec.Code)
	}
	writes.on.Store(true)
	rec, _ = call(t, f.srv, "PUT", "/api/v1/users/password", one["accessToken"].(string), map[string]string{"currentPassword": goodPassword, "newPassword": "n3w-pass-word!"})
	after, _ = call(t, f.srv, "GET", "/api/v1/users/profile", other, nil)
	if rec.Code/100 == 2 && after.Code != 401 {
		t.Fatalf("password change answered %d with Redis refusing writes, and another session still reads the profile (%d)", rec.Code, after.Code)
	}
	wantProblem(t, rec, 503, user.CodeRevocationPending)
	// Nothing changed: the old password still works; the retry succeeds.
	writes.on.Store(false)
	if rec, _ := call(t, f.srv, "PUT", "/api/v1/users/password", one["accessToken"].(string), map[string]string{"currentPassword": goodPassword, "newPassword": "n3w-pass-word!"}); rec.Code != 204 {
		t.Fatalf("password change retry: %d %s", rec.Code, rec.Body)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/users/profile", other, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
}

// Redis as a cache only: a revocation marker lost (eviction, a restart
// without persistence) must not bring a token back.
func TestRevocationSurvivesLostRedisKeys(t *testing.T) {
	t.Parallel()
	rdb, _ := testenv.Redis(t)
	f := newServerWith(t, testUserConfig(), rdb)
	acct := register(t, f, "evicted@example.com", "010-9393-1414")
	if rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil); rec.Code != 200 {
		t.Fatalf("profile: %d", rec.Code)
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/users/logout", acct.access, nil); rec.Code != 204 {
		t.Fatalf("logout: %d", rec.Code)
	}
	ctx := context.Background()
	for _, pattern := range []string{"auth:revoked:sid:*", "auth:blacklist:*", "auth:session:*"} {
		keys, _ := testenv.RedisKeys(ctx, rdb, f.prefix+pattern)
		for _, k := range keys {
			rdb.Del(ctx, k)
		}
	}
	rec, _ := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil)
	wantProblem(t, rec, 401, user.CodeBadToken)
}
