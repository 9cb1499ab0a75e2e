package user

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/clientnet"
	"github.com/eventmkt/backend/shared/redis"
)

// Sign-in throttling. Failures are counted per (email, client network), not
// per account: an attacker locks only their own network out, never the owner
// elsewhere. The key is the email, not the user, so an unknown email goes
// through exactly the same states, codes and statements as a known one.
// Across networks, an email's failures only slow attempts down (a growing
// delay between tries), and never for a network the owner signed in from.
const (
	// MaxSlowdown caps the delay between attempts on a slowed-down email.
	MaxSlowdown = time.Minute
	// KnownNetworkFor is how long a network the owner signed in from skips
	// the account-wide slow-down.
	KnownNetworkFor = 30 * 24 * time.Hour
	// accountWide is the network of the row counting all networks.
	accountWide = ""
	// noNetwork stands for a client address we could not read.
	noNetwork = "?"
)

// throttleRow is one (email, network) row of users.login_throttle.
type throttleRow struct {
	Failures      int
	LockedUntil   *time.Time
	LastFailureAt *time.Time
	LastSuccessAt *time.Time
}

// emailKey is the email as the throttle stores it: keyed so the table holds
// no address in clear.
func (s *Service) emailKey(email string) []byte {
	m := hmac.New(sha256.New, s.cfg.Tokens.Key)
	m.Write([]byte("login-throttle:" + email))
	return m.Sum(nil)
}

func networkOf(clientIP string) string {
	if n := clientnet.Network(clientIP); n != "" {
		return n
	}
	return noNetwork
}

// loadThrottle reads the network's row and the account-wide one.
func (s *Service) loadThrottle(ctx context.Context, key []byte, network string) (netRow, acctRow throttleRow, err error) {
	rows, err := s.db.Query(ctx, `SELECT network, failures, locked_until, last_failure_at, last_success_at
		FROM users.login_throttle WHERE email_key = $1 AND network IN ($2, '')`, key, network)
	if err != nil {
		return netRow, acctRow, fmt.Errorf("user: load login throttle: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		var r throttleRow
		if err := rows.Scan(&n, &r.Failures, &r.LockedUntil, &r.LastFailureAt, &r.LastSuccessAt); err != nil {
			return netRow, acctRow, err
		}
		if n == accountWide {
			acctRow = r
		} else {
			netRow = r
		}
	}
	return netRow, acctRow, rows.Err()
}

// slowdown is the delay the account-wide count asks for between attempts.
func slowdown(failures, after int) time.Duration {
	if after <= 0 || failures < after {
		return 0
	}
	exp := min(failures-after, 6) // 1 s, 2 s, 4 s … capped
	return min(time.Duration(math.Pow(2, float64(exp)))*time.Second, MaxSlowdown)
}

// refuse says whether this attempt is turned away before the password is
// even looked at: the network is locked, or the email is slowed down and
// this network is not one the owner signed in from.
func (s *Service) refuse(netRow, acctRow throttleRow, now time.Time) error {
	if netRow.LockedUntil != nil && netRow.LockedUntil.After(now) {
		return locked(*netRow.LockedUntil, now)
	}
	known := netRow.LastSuccessAt != nil && now.Sub(*netRow.LastSuccessAt) < KnownNetworkFor
	if known || acctRow.LastFailureAt == nil || now.Sub(*acctRow.LastFailureAt) >= LockDuration {
		return nil
	}
	if d := slowdown(acctRow.Failures, s.cfg.LoginSlowdownAfter); d > 0 {
		if until := acctRow.LastFailureAt.Add(d); until.After(now) {
			return locked(until, now)
		}
	}
	return nil
}

// recordFailure counts a failed login; the answer is AUTH_003 when this
// failure locked the network, else AUTH_001. One statement per row, so
// concurrent failures are all counted.
func (s *Service) recordFailure(ctx context.Context, key []byte, network string, now time.Time) error {
	var until *time.Time
	err := s.db.QueryRow(ctx, `INSERT INTO users.login_throttle AS t (email_key, network, failures, last_failure_at, updated_at)
		VALUES ($1, $2, 1, $3, $3)
		ON CONFLICT (email_key, network) DO UPDATE SET
			failures = CASE WHEN t.failures + 1 >= $4 THEN 0 ELSE t.failures + 1 END,
			locked_until = CASE WHEN t.failures + 1 >= $4 THEN $5 ELSE t.locked_until END,
			last_failure_at = $3, updated_at = $3
		RETURNING locked_until`, key, network, now, MaxFailedLogins, now.Add(LockDuration)).Scan(&until)
	if err != nil {
		return fmt.Errorf("user: record failed login: %w", err)
	}
	if s.cfg.LoginSlowdownAfter > 0 {
		if _, err := s.db.Exec(ctx, `INSERT INTO users.login_throttle AS t (email_key, network, failures, last_failure_at, updated_at)
			VALUES ($1, '', 1, $2, $2)
			ON CONFLICT (email_key, network) DO UPDATE SET
				failures = CASE WHEN t.last_failure_at < $3 THEN 1 ELSE t.failures + 1 END,
				last_failure_at = $2, updated_at = $2`, key, now, now.Add(-LockDuration)); err != nil {
			return fmt.Errorf("user: record failed login: %w", err)
		}
	}
	// Rows of emails nobody tried for a while go, a few at a time.
	if _, err := s.db.Exec(ctx, `DELETE FROM users.login_throttle WHERE ctid IN (
		SELECT ctid FROM users.login_throttle WHERE updated_at < $1 LIMIT 20)`, now.Add(-KnownNetworkFor)); err != nil {
		s.log.WarnContext(ctx, "could not prune the login throttle", "error", err)
	}
	if until != nil && until.After(now) {
		return locked(*until, now)
	}
	return errLoginFailed
}

// recordSuccess clears the network's failures and remembers it as one the
// owner signs in from.
func recordSuccess(ctx context.Context, tx pgx.Tx, key []byte, network string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO users.login_throttle AS t (email_key, network, failures, last_success_at, updated_at)
		VALUES ($1, $2, 0, $3, $3)
		ON CONFLICT (email_key, network) DO UPDATE SET failures = 0, locked_until = NULL, last_success_at = $3, updated_at = $3`, key, network, now)
	if err != nil {
		return fmt.Errorf("user: record login: %w", err)
	}
	return nil
}

func locked(until, now time.Time) error {
	wait := max(1, int(math.Ceil(until.Sub(now).Seconds())))
	return apperr.New(apperr.TooMany, CodeLocked, "too many failed logins: try again in "+strconv.Itoa(wait)+" seconds").
		RetryAfter(wait)
}

// overLimit takes one attempt under lim on the GCRA limiter (a burst up to
// the rate, then one attempt per period/rate, on Redis's clock) and says,
// when it refuses, how many seconds until the next attempt may pass.
// Without Redis the limit is skipped (logged): the other guards still hold.
func (s *Service) overLimit(ctx context.Context, name string, lim redis.Limit) (int, bool) {
	wait, err := s.limiter.AllowAll(ctx, lim)
	if err != nil {
		s.log.WarnContext(ctx, "rate limit unavailable", "limit", name, "error", err)
		return 0, false
	}
	if wait <= 0 {
		return 0, false
	}
	return max(1, int(math.Ceil(wait.Seconds()))), true
}
