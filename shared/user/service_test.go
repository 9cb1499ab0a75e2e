package user

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/testenv"
)

func newTestService(t *testing.T, cfg Config) *Service {
	t.Helper()
	return newServiceAt(t, cfg, nil)
}

// newServiceAt is newTestService on the clock now (nil: the real time).
func newServiceAt(t *testing.T, cfg Config, now func() time.Time) *Service {
	t.Helper()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	cfg.KeyPrefix = prefix
	if cfg.Tokens.Key == nil {
		cfg.Tokens = TokenConfig{Key: []byte(testenv.Name("signing-key-for-tests-only-")), Issuer: "eventmkt", Audience: "eventmkt-api",
			AccessTTL: 15 * time.Minute, RefreshTTL: 14 * 24 * time.Hour}
	}
	if cfg.BcryptCost == 0 {
		cfg.BcryptCost = 4
	}
	s, err := NewService(db, rdb, testenv.Logger(t), cfg, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pwMeter counts the bcrypt work a service does and how many pooled
// connections were checked out while it ran.
type pwMeter struct {
	mu               sync.Mutex
	hashes, compares int
	connsDuringWork  []int32
}

func (m *pwMeter) install(s *Service) {
	compare, hash := s.compare, s.hash
	s.compare = func(h, pw []byte) error {
		m.mu.Lock()
		m.compares++
		m.connsDuringWork = append(m.connsDuringWork, s.db.Stat().AcquiredConns())
		m.mu.Unlock()
		return compare(h, pw)
	}
	s.hash = func(pw []byte, cost int) ([]byte, error) {
		m.mu.Lock()
		m.hashes++
		m.connsDuringWork = append(m.connsDuringWork, s.db.Stat().AcquiredConns())
		m.mu.Unlock()
		return hash(pw, cost)
	}
}

func (m *pwMeter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.hashes, m.compares, m.connsDuringWork = 0, 0, nil
}

func registerOwner(t *testing.T, s *Service, email string) Session {
	t.Helper()
	sess, err := s.Register(context.Background(), RegisterInput{Name: "김민수", PhoneNumber: "010-1234-5678", Email: email,
		Password: "s3cret-pass!", StoreName: "민수네 카페", Industry: "카페", Address: "서울 강남구 테헤란로 1"})
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// bcrypt runs with no pooled connection checked out: a login in progress
// never holds a connection (or a transaction) that other requests wait for.
func TestBcryptRunsOutsideTransactions(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	sess := registerOwner(t, s, "tx@example.com")
	m := &pwMeter{}
	m.install(s)
	ctx := context.Background()
	for _, tt := range []struct{ email, password string }{
		{"tx@example.com", "s3cret-pass!"}, {"tx@example.com", "wrong-pass-1!"}, {"nobody@example.com", "wrong-pass-1!"},
	} {
		m.reset()
		_, _ = s.Login(ctx, tt.email, tt.password, "192.0.2.1")
		if m.compares != 1 {
			t.Errorf("login %s/%s: %d compares, want 1", tt.email, tt.password, m.compares)
		}
		for _, n := range m.connsDuringWork {
			if n != 0 {
				t.Errorf("login %s/%s: %d pooled connections held during the bcrypt compare, want 0", tt.email, tt.password, n)
			}
		}
	}
	c, err := s.Authenticate(ctx, sess.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	m.reset()
	if err := s.ChangePassword(ctx, c, "s3cret-pass!", "n3w-pass-word!"); err != nil {
		t.Fatal(err)
	}
	for _, n := range m.connsDuringWork {
		if n != 0 {
			t.Errorf("password change: %d pooled connections held during bcrypt, want 0", n)
		}
	}
}

// A wrong current password is refused before any new hash is computed.
func TestPasswordChangeChecksCurrentBeforeHashing(t *testing.T) {
	t.Parallel()
	s := newTestService(t, Config{})
	sess := registerOwner(t, s, "pwc@example.com")
	c, err := s.Authenticate(context.Background(), sess.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	m := &pwMeter{}
	m.install(s)
	err = s.ChangePassword(context.Background(), c, "wrong-pass-1!", "n3w-pass-word!")
	if apperr.As(err).Code != CodeWrongPassword {
		t.Fatalf("got %v, want %s", err, CodeWrongPassword)
	}
	if m.hashes != 0 || m.compares != 1 {
		t.Errorf("wrong current password cost %d hashes and %d compares, want 0 and 1", m.hashes, m.compares)
	}
}
