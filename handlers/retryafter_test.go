package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
)

// wantRetryAfter checks that a throttled answer carries Retry-After, and
// that it says what the problem's retryAfterSeconds says.
func wantRetryAfter(t *testing.T, rec *httptest.ResponseRecorder, maxSecs int) {
	t.Helper()
	var p struct {
		RetryAfterSeconds *int `json:"retryAfterSeconds"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.RetryAfterSeconds == nil {
		t.Fatalf("no retryAfterSeconds in %s", rec.Body)
	}
	header := rec.Header().Get("Retry-After")
	if header != strconv.Itoa(*p.RetryAfterSeconds) {
		t.Errorf("Retry-After %q, retryAfterSeconds %d: they must agree", header, *p.RetryAfterSeconds)
	}
	if *p.RetryAfterSeconds < 1 || *p.RetryAfterSeconds > maxSecs {
		t.Errorf("retryAfterSeconds %d, want 1..%d", *p.RetryAfterSeconds, maxSecs)
	}
}

// Both ways a login is throttled answer 429 with Retry-After from the
// error itself, like every other throttled endpoint: the per-address rate
// limit (AUTH_006) and the lockout after failed logins (AUTH_003).
func TestLoginThrottleCarriesRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		limit   int // LoginRatePerIP
		email   string
		network func(i int) string // the client address of attempt i
		tries   int                // attempts before the throttled one
		code    string
		maxSecs int
	}{
		{"rate limit per address", 3, "limited@example.com", func(int) string { return "2001:db8:5::" + testenv.Name("")[:4] }, 3,
			user.CodeTooManyAttempts, 60},
		{"lockout", 0, "locked@example.com", func(i int) string { return fmt.Sprintf("192.0.2.%d", 10+i) }, 5,
			user.CodeLocked, 15 * 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := testUserConfig()
			cfg.LoginRatePerIP = tt.limit
			f := newServerWith(t, cfg, nil)
			register(t, f, tt.email, "010-5757-6868")
			ip := tt.network(0)
			for i := range tt.tries {
				if tt.limit == 0 {
					ip = tt.network(i)
				}
				rec, _ := login(t, f, tt.email, "guess-pass-1!", "X-Forwarded-For", ip)
				if rec.Code != 401 && !(rec.Code == 429 && i == tt.tries-1) {
					t.Fatalf("attempt %d: %d %s", i+1, rec.Code, rec.Body)
				}
			}
			rec, _ := login(t, f, tt.email, goodPassword, "X-Forwarded-For", ip)
			wantProblem(t, rec, 429, tt.code)
			wantRetryAfter(t, rec, tt.maxSecs)
		})
	}
}

// Where an error becomes a problem, the wait it carries becomes
// Retry-After for a 429 or a 503, and only there.
func TestRetryAfterFromTheError(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	tests := []struct {
		name   string
		err    error
		status int
		want   string // Retry-After; "" for none
	}{
		{"throttled", apperr.New(apperr.TooMany, "TEST_429", "slow down").RetryAfter(42), 429, "42"},
		{"throttled, wrapped", fmt.Errorf("limit: %w", apperr.New(apperr.TooMany, "TEST_429", "slow down").RetryAfter(7)), 429, "7"},
		{"unavailable for a while", apperr.New(apperr.Unavailable, "TEST_503", "building").RetryAfter(5), 503, "5"},
		{"throttled, no known wait", apperr.New(apperr.TooMany, "TEST_429", "follow the job"), 429, ""},
		{"unavailable, no known wait", apperr.Wrap(errors.New("refused"), apperr.Unavailable, "", "down"), 503, ""},
		{"a wait on a refusal that is no throttle", apperr.Invalidf("TEST_400", "bad").RetryAfter(3), 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			f.srv.writeError(rec, httptest.NewRequestWithContext(context.Background(), "GET", "/api/v1/health", nil), tt.err)
			if rec.Code != tt.status || rec.Header().Get("Retry-After") != tt.want {
				t.Errorf("got %d Retry-After %q, want %d %q", rec.Code, rec.Header().Get("Retry-After"), tt.status, tt.want)
			}
			if tt.want != "" {
				wantRetryAfter(t, rec, 60)
			}
		})
	}
}
