package event

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/user"
)

// A store visit is proved by the day's visit code, which only someone in the
// store can see: the owner's console and its printed counter poster show it
// (as a QR code, /e/{id}?ch=STORE_QR&v=CODE, and as six digits staff can
// say). It is derived from a per-event secret (events.visit_secret, never
// sent anywhere) and the date in the event's time zone, so it changes at
// midnight there and a photographed QR code stops working the next day.

// VisitCodeDigits is the length of a visit code.
const VisitCodeDigits = 6

// VisitCodeFor is the event's visit code on day: HMAC-SHA256(secret,
// "visit|<eventId>|YYYY-MM-DD"), its first four bytes as a big-endian
// uint32 mod 1,000,000, zero-padded to six digits.
func VisitCodeFor(secret []byte, id uuid.UUID, day Date) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("visit|" + id.String() + "|" + day.String()))
	n := binary.BigEndian.Uint32(m.Sum(nil)[:4]) % 1_000_000
	return fmt.Sprintf("%06d", n)
}

// WellFormedVisitCode reports whether s is six ASCII digits.
func WellFormedVisitCode(s string) bool {
	if len(s) != VisitCodeDigits {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// VisitCode is today's code as the owner's console shows it.
type VisitCode struct {
	Code string `json:"code"`
	// QRURL is the store QR code's target: the entry page with the code.
	QRURL string `json:"qrUrl"`
	// ValidOn is the date (event time zone) the code is accepted on.
	ValidOn Date `json:"validOn"`
	// ValidUntil is the next midnight in the event's time zone, in UTC.
	ValidUntil time.Time `json:"validUntil"`
}

// VisitCode returns today's store visit code of the caller's event.
func (s *Service) VisitCode(ctx context.Context, c user.Caller, id uuid.UUID) (VisitCode, error) {
	e, err := loadOwned(ctx, s.db, c, id, false)
	if err != nil {
		return VisitCode{}, err
	}
	secret, err := s.visitSecret(ctx, id)
	if err != nil {
		return VisitCode{}, err
	}
	loc := s.zones.Get(e.TimeZone)
	now := s.now()
	today := Today(now, loc)
	y, m, d := now.In(loc).Date()
	code := VisitCodeFor(secret, id, today)
	return VisitCode{Code: code, QRURL: StoreVisitURL(s.cfg.PublicWebURL, id, code), ValidOn: today,
		ValidUntil: time.Date(y, m, d+1, 0, 0, 0, 0, loc).UTC()}, nil
}

// StoreVisitURL is the store QR code's link: the STORE_QR entry link with
// the day's code in v.
func StoreVisitURL(webURL string, id uuid.UUID, code string) string {
	return EntryURL(webURL, id, "STORE_QR") + "&v=" + url.QueryEscape(code)
}

// CheckVisitCode reports whether code is the event's visit code on day (a
// date in the event's time zone). The secret is read from Postgres once per
// event and instance, then kept in memory: it never changes, so the entry
// hot path asks Postgres nothing in steady state. The secret stays out of
// the public snapshot, which is public data.
func (s *Service) CheckVisitCode(ctx context.Context, id uuid.UUID, day Date, code string) (bool, error) {
	if !WellFormedVisitCode(code) {
		return false, nil
	}
	secret, err := s.visitSecret(ctx, id)
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(VisitCodeFor(secret, id, day)), []byte(code)), nil
}

// visitSecrets caches event secrets in memory. Only events that exist are
// cached (entries reach the check only for a live event); the cache is
// emptied when it reaches its bound, a cheap stand-in for eviction given
// one Postgres read per event refills it.
type visitSecrets struct {
	mu sync.RWMutex
	m  map[uuid.UUID][]byte
}

const maxVisitSecrets = 10000

func (v *visitSecrets) get(id uuid.UUID) ([]byte, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	b, ok := v.m[id]
	return b, ok
}

func (v *visitSecrets) put(id uuid.UUID, b []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVisitSecrets {
		v.m = make(map[uuid.UUID][]byte)
	}
	v.m[id] = b
}

func (s *Service) visitSecret(ctx context.Context, id uuid.UUID) ([]byte, error) {
	if b, ok := s.secrets.get(id); ok {
		return b, nil
	}
	var b []byte
	err := s.db.QueryRow(ctx, `SELECT visit_secret FROM events.events WHERE event_id = $1`, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("event: visit secret of %s: %w", id, err)
	}
	s.secrets.put(id, b)
	return b, nil
}
