package user

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
)

// limitCase is one of the Redis-counted limits: set turns it on at rate;
// attempts returns, for one service, a function making one attempt as who
// (an address or an account).
type limitCase struct {
	name, log string // the case, the limit's name in the logs
	code      string
	period    time.Duration
	set       func(*Config, int)
	attempts  func(t *testing.T, s *Service) func(ctx context.Context, who string) error
}

func limitCases() []limitCase {
	ip := func(who string) string { return map[string]string{"a": "2001:db8::a", "b": "2001:db8:1::b"}[who] }
	return []limitCase{
		{
			name: "login per address", log: "login", code: CodeTooManyAttempts, period: time.Minute,
			set: func(c *Config, n int) { c.LoginRatePerIP = n },
			attempts: func(_ *testing.T, s *Service) func(context.Context, string) error {
				return func(ctx context.Context, who string) error {
					_, err := s.Login(ctx, "nobody@example.com", "whatever-1!", ip(who))
					return err
				}
			},
		},
		{
			name: "sign-up per address", log: "register", code: CodeTooManySignUps, period: time.Hour,
			set: func(c *Config, n int) { c.RegisterRatePerIP = n },
			attempts: func(_ *testing.T, s *Service) func(context.Context, string) error {
				n := 0
				return func(ctx context.Context, who string) error {
					n++
					_, err := s.Register(ctx, limitSignUp(n, ip(who)))
					return err
				}
			},
		},
		{
			name: "password change per account", log: "password", code: CodeTooManyPasswordChanges, period: time.Hour,
			set: func(c *Config, n int) { c.PasswordChangesPerHour = n },
			attempts: func(t *testing.T, s *Service) func(context.Context, string) error {
				accounts := map[string]Caller{}
				for i, who := range []string{"a", "b"} {
					sess, err := s.Register(context.Background(), limitSignUp(i+1, "")) // no address: no sign-up limit
					if err != nil {
						t.Fatal(err)
					}
					accounts[who] = Caller{UserID: sess.UserID, StoreID: sess.StoreID, Role: RoleOwner}
				}
				return func(ctx context.Context, who string) error {
					return s.ChangePassword(ctx, accounts[who], "wrong-pass-1!", "n3w-pass-word!")
				}
			},
		},
	}
}

func limitSignUp(n int, ip string) RegisterInput {
	return RegisterInput{Name: "김민수", PhoneNumber: fmt.Sprintf("010-3131-%04d", n), Email: fmt.Sprintf("r%d@example.com", n),
		Password: "s3cret-pass!", StoreName: "민수네 카페", Industry: "카페", Address: "서울 강남구 테헤란로 1", ClientIP: ip}
}

// retryAfter is the refusal's retryAfterSeconds.
func retryAfter(t *testing.T, err error) time.Duration {
	t.Helper()
	secs, ok := apperr.As(err).Extra["retryAfterSeconds"].(int)
	if !ok {
		t.Fatalf("%v: no retryAfterSeconds", err)
	}
	return time.Duration(secs) * time.Second
}

// Sign-in, sign-up and password changes are limited on the GCRA limiter
// (shared/redis): a burst up to the rate passes, the next attempt is refused
// with the wait until one more would pass (period/rate, on Redis's clock),
// another address or account is not affected, and 0 turns a limit off.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	for _, tt := range limitCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			const rate = 2
			var cfg Config
			tt.set(&cfg, rate)
			try := tt.attempts(t, newTestService(t, cfg))
			for i := range rate {
				if err := try(ctx, "a"); apperr.KindOf(err) == apperr.TooMany {
					t.Fatalf("attempt %d refused: %v", i+1, err)
				}
			}
			err := try(ctx, "a")
			if e := apperr.As(err); e.Kind != apperr.TooMany || e.Code != tt.code {
				t.Fatalf("attempt %d: %v, want %s", rate+1, err, tt.code)
			}
			if got, want := retryAfter(t, err), tt.period/rate; got < want-2*time.Second || got > want {
				t.Errorf("retryAfterSeconds %v, want about %v", got, want)
			}
			if err := try(ctx, "b"); apperr.KindOf(err) == apperr.TooMany {
				t.Errorf("another one refused: %v", err)
			}
		})
		t.Run(tt.name+" off", func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var cfg Config
			tt.set(&cfg, 0)
			s := newTestService(t, cfg)
			try := tt.attempts(t, s)
			for i := range 4 {
				if err := try(ctx, "a"); apperr.KindOf(err) == apperr.TooMany {
					t.Fatalf("attempt %d refused with the limit off: %v", i+1, err)
				}
			}
			if keys, err := testenv.RedisKeys(ctx, s.rdb, s.cfg.KeyPrefix+"rate:*"); err != nil || len(keys) != 0 {
				t.Errorf("a limit that is off wrote %v (%v)", keys, err)
			}
		})
	}
}

// Without Redis the limits are skipped, with a warning naming the limit:
// the lockout (Postgres) still holds.
func TestRateLimitsWithoutRedis(t *testing.T) {
	t.Parallel()
	dead, err := redis.Open("redis://127.0.0.1:1/0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dead.Close() })
	for _, tt := range limitCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			var cfg Config
			tt.set(&cfg, 1)
			logs := &testenv.Buffer{}
			try := tt.attempts(t, serviceOn(t, cfg, dead, slog.New(slog.NewTextHandler(logs, nil))))
			for i := range 3 {
				if err := try(ctx, "a"); apperr.KindOf(err) == apperr.TooMany || apperr.KindOf(err) == apperr.Unavailable {
					t.Fatalf("attempt %d without Redis: %v", i+1, err)
				}
			}
			if got := logs.String(); strings.Count(got, "rate limit unavailable") != 3 || strings.Count(got, "limit="+tt.log) != 3 {
				t.Errorf("logs %q: want a warning per attempt naming the limit", got)
			}
		})
	}
}

// serviceOn is newTestService on the given Redis client and logger.
func serviceOn(t *testing.T, cfg Config, rdb goredis.UniversalClient, log *slog.Logger) *Service {
	t.Helper()
	cfg.Tokens = TokenConfig{Key: []byte(testenv.Name("signing-key-for-tests-only-")), Issuer: "eventmkt", Audience: "eventmkt-api",
		AccessTTL: 15 * time.Minute, RefreshTTL: 14 * 24 * time.Hour}
	cfg.BcryptCost = 4
	s, err := NewService(testenv.Postgres(t), rdb, log, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
