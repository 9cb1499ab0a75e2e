package user

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/postgres"
)

// Lockout policy: this many failed logins in a row lock the account for
// LockDuration.
const (
	MaxFailedLogins = 5
	LockDuration    = 15 * time.Minute
)

// Config tunes the service.
type Config struct {
	Tokens         TokenConfig
	BcryptCost     int // 10 or more in production; tests use the minimum
	LoginRatePerIP int // login attempts per client address per minute; 0 = off
}

// Service is the users domain.
type Service struct {
	db     *postgres.DB
	rdb    *goredis.Client
	log    *slog.Logger
	now    func() time.Time
	tokens *tokens
	cfg    Config
	// dummyHash is compared against when the email is unknown, so an
	// unknown email costs as much time as a wrong password. It is computed
	// in the background: start-up must not wait for bcrypt.
	dummyHash func() []byte
}

// NewService wires the users domain. now is injectable for lockout tests.
func NewService(db *postgres.DB, rdb *goredis.Client, log *slog.Logger, cfg Config, now func() time.Time) (*Service, error) {
	if now == nil {
		now = time.Now
	}
	if cfg.BcryptCost < bcrypt.MinCost || cfg.BcryptCost > 14 {
		return nil, fmt.Errorf("user: bcrypt cost %d outside %d..14", cfg.BcryptCost, bcrypt.MinCost)
	}
	t, err := newTokens(cfg.Tokens, now)
	if err != nil {
		return nil, err
	}
	dummy := sync.OnceValue(func() []byte {
		h, _ := bcrypt.GenerateFromPassword([]byte("not-a-real-password-1!"), cfg.BcryptCost)
		return h
	})
	go dummy()
	return &Service{db: db, rdb: rdb, log: log, now: now, tokens: t, cfg: cfg, dummyHash: dummy}, nil
}

// Register creates the owner and their store in one transaction and signs
// them in.
func (s *Service) Register(ctx context.Context, in RegisterInput) (Session, error) {
	if err := in.validate(); err != nil {
		return Session{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.cfg.BcryptCost)
	if err != nil {
		return Session{}, fmt.Errorf("user: hash password: %w", err)
	}
	now := s.now()
	var sess Session
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		u, err := insertUser(ctx, tx, in, string(hash), now)
		if err != nil {
			return err
		}
		sess, err = s.startSession(ctx, tx, u, now)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	s.log.InfoContext(ctx, "owner registered", "userId", sess.UserID, "storeId", sess.StoreID)
	return sess, nil
}

func (s *Service) startSession(ctx context.Context, tx pgx.Tx, u userRow, now time.Time) (Session, error) {
	sid, refresh, err := createSession(ctx, tx, u.ID, now, s.cfg.Tokens.RefreshTTL)
	if err != nil {
		return Session{}, err
	}
	access, _, err := s.tokens.issue(u, sid, now)
	if err != nil {
		return Session{}, err
	}
	return Session{UserID: u.ID, StoreID: u.StoreID, Name: u.Name, Role: u.Role, AccessToken: access, RefreshToken: refresh,
		ExpiresIn: int(s.cfg.Tokens.AccessTTL / time.Second)}, nil
}

var errLoginFailed = apperr.New(apperr.Unauthorized, CodeLoginFailed, "email or password is incorrect")

// Login checks the password and opens a session. An unknown email and a
// wrong password get the same answer in comparable time; five failures in a
// row lock the account for 15 minutes; one address may try only so often.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (Session, error) {
	if err := s.limitLogins(ctx, clientIP); err != nil {
		return Session{}, err
	}
	var v apperr.Validation
	email = normalizeEmail(&v, "email", email)
	if v.Err() != nil || password == "" || len(password) > 72 {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash(), []byte(password))
		return Session{}, errLoginFailed
	}
	now := s.now()
	var sess Session
	var outcome error
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, "u.email = $1", email, true)
		if apperr.KindOf(err) == apperr.NotFound {
			_ = bcrypt.CompareHashAndPassword(s.dummyHash(), []byte(password))
			outcome = errLoginFailed
			return nil
		}
		if err != nil {
			return err
		}
		if u.LockedUntil != nil && u.LockedUntil.After(now) {
			outcome = locked(*u.LockedUntil, now)
			return nil
		}
		if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
			failures := u.FailedLogins + 1
			var until *time.Time
			if failures >= MaxFailedLogins {
				t := now.Add(LockDuration)
				until, failures = &t, 0
			}
			if _, err := tx.Exec(ctx, `UPDATE users.users SET failed_logins = $2, locked_until = coalesce($3, locked_until) WHERE id = $1`,
				u.ID, failures, until); err != nil {
				return fmt.Errorf("user: record failed login: %w", err)
			}
			outcome = errLoginFailed
			if until != nil {
				outcome = locked(*until, now)
				s.log.WarnContext(ctx, "account locked after repeated failed logins", "userId", u.ID, "until", until.UTC())
			}
			return nil
		}
		if u.Status != StatusActive {
			outcome = apperr.New(apperr.Forbidden, CodeInactive, "this account is "+u.Status)
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users.users SET failed_logins = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1`, u.ID, now); err != nil {
			return fmt.Errorf("user: record login: %w", err)
		}
		sess, err = s.startSession(ctx, tx, u, now)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	if outcome != nil {
		s.log.InfoContext(ctx, "login refused", "code", apperr.As(outcome).Code)
		return Session{}, outcome
	}
	s.log.InfoContext(ctx, "owner logged in", "userId", sess.UserID)
	return sess, nil
}

func locked(until, now time.Time) error {
	wait := int(until.Sub(now).Round(time.Second) / time.Second)
	return apperr.New(apperr.TooMany, CodeLocked, "too many failed logins: the account is locked for "+strconv.Itoa(wait)+" more seconds").
		With("retryAfterSeconds", wait)
}

// limitLogins counts attempts per client address in one-minute windows.
// Without Redis the limit is skipped: the per-account lockout still holds.
func (s *Service) limitLogins(ctx context.Context, ip string) error {
	if s.cfg.LoginRatePerIP <= 0 || ip == "" {
		return nil
	}
	window := s.now().Unix() / 60
	key := "auth:login:ip:" + ip + ":" + strconv.FormatInt(window, 10)
	pipe := s.rdb.TxPipeline()
	incr := pipe.Incr(ctx, key)
	pipe.Expire(ctx, key, 2*time.Minute)
	if _, err := pipe.Exec(ctx); err != nil {
		s.log.WarnContext(ctx, "login rate limit unavailable", "error", err)
		return nil
	}
	if incr.Val() > int64(s.cfg.LoginRatePerIP) {
		return apperr.New(apperr.TooMany, CodeTooManyAttempts, "too many login attempts from this address; try again in a minute")
	}
	return nil
}

var errBadToken = apperr.New(apperr.Unauthorized, CodeBadToken, "the token is missing, invalid, expired or revoked")

// Refresh trades a refresh token for a new pair. Each refresh token works
// once; presenting one that was already used means it leaked, so the whole
// session is revoked.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Session, error) {
	if refreshToken == "" {
		return Session{}, errBadToken
	}
	hash := hashToken(refreshToken)
	now := s.now()
	var sess Session
	var reused uuid.UUID
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		var sid uuid.UUID
		err := tx.QueryRow(ctx, `UPDATE users.refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL RETURNING session_id`, hash, now).Scan(&sid)
		if errors.Is(err, pgx.ErrNoRows) {
			err = tx.QueryRow(ctx, `SELECT session_id FROM users.refresh_tokens WHERE token_hash = $1`, hash).Scan(&reused)
			if errors.Is(err, pgx.ErrNoRows) {
				return errBadToken
			}
			if err != nil {
				return err
			}
			_, err = revokeSessions(ctx, tx, "id = $3", []any{reused}, "refresh_token_reuse", now)
			return err
		}
		if err != nil {
			return fmt.Errorf("user: use refresh token: %w", err)
		}
		var userID uuid.UUID
		var revoked *time.Time
		var expires time.Time
		if err := tx.QueryRow(ctx, `SELECT user_id, revoked_at, expires_at FROM users.sessions WHERE id = $1 FOR UPDATE`, sid).Scan(&userID, &revoked, &expires); err != nil {
			return fmt.Errorf("user: load session: %w", err)
		}
		if revoked != nil || !expires.After(now) {
			return errBadToken
		}
		u, err := getUser(ctx, tx, "u.id = $1", userID, false)
		if err != nil {
			return err
		}
		if u.Status != StatusActive {
			return errBadToken
		}
		if _, err := tx.Exec(ctx, `UPDATE users.sessions SET last_used_at = $2, expires_at = $3 WHERE id = $1`, sid, now, now.Add(s.cfg.Tokens.RefreshTTL)); err != nil {
			return err
		}
		refresh, err := addRefreshToken(ctx, tx, sid, now)
		if err != nil {
			return err
		}
		access, _, err := s.tokens.issue(u, sid, now)
		if err != nil {
			return err
		}
		sess = Session{UserID: u.ID, StoreID: u.StoreID, Name: u.Name, Role: u.Role, AccessToken: access, RefreshToken: refresh,
			ExpiresIn: int(s.cfg.Tokens.AccessTTL / time.Second)}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	if reused != uuid.Nil {
		s.markRevoked(ctx, []uuid.UUID{reused})
		s.log.WarnContext(ctx, "refresh token reused: session revoked", "sessionId", reused)
		return Session{}, errBadToken
	}
	return sess, nil
}

// Keys of the Redis markers that refuse access tokens before they expire.
func revokedKey(sid uuid.UUID) string { return "auth:revoked:sid:" + sid.String() }
func blacklistKey(jti string) string  { return "auth:blacklist:" + jti }

// markRevoked tells Authenticate at once; Postgres already holds the truth.
func (s *Service) markRevoked(ctx context.Context, sids []uuid.UUID) {
	ttl := s.cfg.Tokens.AccessTTL + time.Minute // outlives every access token of the session
	for _, sid := range sids {
		if err := s.rdb.Set(ctx, revokedKey(sid), "1", ttl).Err(); err != nil {
			s.log.ErrorContext(ctx, "could not mark a revoked session in Redis; its access tokens are checked against Postgres while Redis is down", "sessionId", sid, "error", err)
		}
	}
}

// Authenticate turns an access token into the caller. The token must be
// signed with our key and algorithm, for our issuer and audience, unexpired,
// and neither blacklisted (logout) nor of a revoked session. Redis answers
// the revocation question; when it is down, Postgres does.
func (s *Service) Authenticate(ctx context.Context, token string) (Caller, error) {
	if token == "" {
		return Caller{}, errBadToken
	}
	c, err := s.tokens.parse(token)
	if err != nil {
		return Caller{}, apperr.Wrap(err, apperr.Unauthorized, CodeBadToken, errBadToken.Detail)
	}
	n, err := s.rdb.Exists(ctx, revokedKey(c.SessionID), blacklistKey(c.TokenID)).Result()
	if err != nil {
		var revoked bool
		qerr := s.db.QueryRow(ctx, `SELECT revoked_at IS NOT NULL FROM users.sessions WHERE id = $1`, c.SessionID).Scan(&revoked)
		if qerr != nil || revoked {
			return Caller{}, errBadToken
		}
		return c, nil
	}
	if n > 0 {
		return Caller{}, errBadToken
	}
	return c, nil
}

// Logout ends the caller's session: the refresh token stops working and this
// access token is refused from now on. Logging out twice is fine.
func (s *Service) Logout(ctx context.Context, c Caller) error {
	now := s.now()
	var sids []uuid.UUID
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		sids, err = revokeSessions(ctx, tx, "id = $3", []any{c.SessionID}, "logout", now)
		return err
	})
	if err != nil {
		return err
	}
	s.markRevoked(ctx, []uuid.UUID{c.SessionID})
	if ttl := c.ExpiresAt.Sub(now) + time.Minute; ttl > 0 {
		if err := s.rdb.Set(ctx, blacklistKey(c.TokenID), "1", ttl).Err(); err != nil {
			s.log.ErrorContext(ctx, "could not blacklist the access token in Redis", "error", err)
		}
	}
	s.log.InfoContext(ctx, "owner logged out", "userId", c.UserID, "sessionsRevoked", len(sids))
	return nil
}

// Profile returns the caller's profile.
func (s *Service) Profile(ctx context.Context, c Caller) (Profile, error) {
	u, err := getUser(ctx, s.db, "u.id = $1", c.UserID, false)
	if err != nil {
		return Profile{}, err
	}
	return u.profile(), nil
}

// UpdateProfile changes user and store together. The row lock makes
// concurrent partial updates merge instead of losing one; a stale Version is
// refused with USER_005 so a client never overwrites what it has not seen.
func (s *Service) UpdateProfile(ctx context.Context, c Caller, upd ProfileUpdate) (Profile, error) {
	if err := upd.validate(); err != nil {
		return Profile{}, err
	}
	now := s.now()
	var out Profile
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, "u.id = $1", c.UserID, true)
		if err != nil {
			return err
		}
		if upd.Version != nil && *upd.Version != u.Version {
			return apperr.New(apperr.Conflict, CodeConcurrentEdit, "the profile changed since it was read (version "+strconv.Itoa(u.Version)+"); reload and try again").
				With("currentVersion", u.Version)
		}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = *src
			}
		}
		set(&u.Name, upd.Name)
		set(&u.Phone, upd.PhoneNumber)
		set(&u.Email, upd.Email)
		set(&u.StoreName, upd.StoreName)
		set(&u.Industry, upd.Industry)
		set(&u.Address, upd.Address)
		if upd.BusinessHours != nil {
			u.BusinessHours = upd.BusinessHours
		}
		u.Version++
		if _, err := tx.Exec(ctx, `UPDATE users.users SET name = $2, phone_number = $3, email = $4, version = $5, updated_at = $6 WHERE id = $1`,
			u.ID, u.Name, u.Phone, u.Email, u.Version, now); err != nil {
			return uniqueConflict(fmt.Errorf("user: update: %w", err))
		}
		if _, err := tx.Exec(ctx, `UPDATE users.stores SET name = $2, industry = $3, address = $4, business_hours = $5, updated_at = $6 WHERE user_id = $1`,
			u.ID, u.StoreName, u.Industry, u.Address, u.BusinessHours, now); err != nil {
			return fmt.Errorf("user: update store: %w", err)
		}
		out = u.profile()
		return nil
	})
	return out, err
}

// ChangePassword replaces the password after checking the current one and
// signs out every other session.
func (s *Service) ChangePassword(ctx context.Context, c Caller, current, next string) error {
	var v apperr.Validation
	checkPassword(&v, "newPassword", next)
	v.Check(subtle.ConstantTimeCompare([]byte(current), []byte(next)) == 0, "newPassword", "must differ from the current password")
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), s.cfg.BcryptCost)
	if err != nil {
		return err
	}
	now := s.now()
	var revoked []uuid.UUID
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		u, err := getUser(ctx, tx, "u.id = $1", c.UserID, true)
		if err != nil {
			return err
		}
		if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) != nil {
			return apperr.New(apperr.Invalid, CodeWrongPassword, "the current password is incorrect")
		}
		if _, err := tx.Exec(ctx, `UPDATE users.users SET password_hash = $2, version = version + 1, updated_at = $3 WHERE id = $1`, u.ID, string(hash), now); err != nil {
			return err
		}
		revoked, err = revokeSessions(ctx, tx, "user_id = $3 AND id <> $4", []any{u.ID, c.SessionID}, "password_changed", now)
		return err
	})
	if err != nil {
		return err
	}
	s.markRevoked(ctx, revoked)
	s.log.InfoContext(ctx, "password changed; other sessions revoked", "userId", c.UserID, "sessionsRevoked", len(revoked))
	return nil
}

// Store returns a user's store: the owner's own, or any for an ADMIN.
func (s *Service) Store(ctx context.Context, c Caller, userID uuid.UUID) (Store, error) {
	if !c.Reads(userID) {
		return Store{}, apperr.New(apperr.Forbidden, CodeForbidden, "you may read only your own store")
	}
	u, err := getUser(ctx, s.db, "u.id = $1", userID, false)
	if err != nil {
		return Store{}, err
	}
	return u.store(), nil
}

// StoreByID returns a store for other domains (event pages, AI prompts);
// it is not an owner-facing call and checks no caller.
func (s *Service) StoreByID(ctx context.Context, storeID uuid.UUID) (Store, error) {
	u, err := getUser(ctx, s.db, "s.id = $1", storeID, false)
	if err != nil {
		return Store{}, err
	}
	return u.store(), nil
}
