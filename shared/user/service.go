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
	"github.com/eventmkt/backend/shared/redis"
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
	// RegisterRatePerIP: sign-ups per client address per hour (each costs a
	// bcrypt hash); 0 = off.
	RegisterRatePerIP int
	// PasswordChangesPerHour: password change attempts per account per
	// hour (each costs a bcrypt compare); 0 = off.
	PasswordChangesPerHour int
	// LoginSlowdownAfter: failed logins for one email across all networks
	// (within LockDuration) after which each further attempt from a network
	// the owner has not signed in from must wait a growing delay; 0 = off.
	LoginSlowdownAfter int
	// KeyPrefix goes in front of every Redis key of the domain (session
	// states, rate limits): "" in production; tests isolate with one.
	KeyPrefix string
}

// Service is the users domain.
type Service struct {
	db     *postgres.DB
	rdb    goredis.UniversalClient
	log    *slog.Logger
	now    func() time.Time
	tokens *tokens
	cfg    Config
	// limiter holds the per-address and per-account rate limits (GCRA,
	// shared/redis): sign-in, sign-up, password changes.
	limiter *redis.Limiter
	// dummyHash is compared against when the email is unknown, so an
	// unknown email costs as much time as a wrong password. It is computed
	// in the background: start-up must not wait for bcrypt.
	dummyHash func() []byte
	// compare and hash are bcrypt's; tests watch what they cost and when.
	compare func(hash, password []byte) error
	hash    func(password []byte, cost int) ([]byte, error)
}

// NewService wires the users domain. now is injectable for lockout tests.
func NewService(db *postgres.DB, rdb goredis.UniversalClient, log *slog.Logger, cfg Config, now func() time.Time) (*Service, error) {
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
	return &Service{db: db, rdb: rdb, log: log, now: now, tokens: t, cfg: cfg, limiter: redis.NewLimiter(rdb, cfg.KeyPrefix), dummyHash: dummy,
		compare: bcrypt.CompareHashAndPassword, hash: bcrypt.GenerateFromPassword}, nil
}

// Register creates the owner and their store in one transaction and signs
// them in. One client address may sign up only so often: each sign-up costs
// a bcrypt hash.
func (s *Service) Register(ctx context.Context, in RegisterInput) (Session, error) {
	if err := in.validate(); err != nil {
		return Session{}, err
	}
	if in.ClientIP != "" {
		if wait, over := s.overLimit(ctx, "register", redis.Limit{Key: "auth:register:ip:" + in.ClientIP, Rate: s.cfg.RegisterRatePerIP, Period: time.Hour}); over {
			return Session{}, apperr.New(apperr.TooMany, CodeTooManySignUps, "too many sign-ups from this address; try again later").
				RetryAfter(wait)
		}
	}
	hash, err := s.hash([]byte(in.Password), s.cfg.BcryptCost)
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
// wrong password get the same answers in comparable time, through the whole
// lockout sequence (throttle.go): five failures in a row from one client
// network lock that network out of the email for 15 minutes; failures from
// many networks slow the email down; one address may try only so often.
// bcrypt runs with no connection or transaction held.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (Session, error) {
	if err := s.limitLogins(ctx, clientIP); err != nil {
		return Session{}, err
	}
	var v apperr.Validation
	email = normalizeEmail(&v, "email", email)
	if v.Err() != nil || password == "" || len(password) > 72 {
		_ = s.compare(s.dummyHash(), []byte(password))
		return Session{}, errLoginFailed
	}
	now := s.now()
	key, network := s.emailKey(email), networkOf(clientIP)
	netRow, acctRow, err := s.loadThrottle(ctx, key, network)
	if err != nil {
		return Session{}, err
	}
	if err := s.refuse(netRow, acctRow, now); err != nil {
		s.log.InfoContext(ctx, "login refused", "code", CodeLocked)
		return Session{}, err
	}
	u, err := getUser(ctx, s.db, "u.email = $1", email, false)
	known := err == nil
	if err != nil && apperr.KindOf(err) != apperr.NotFound {
		return Session{}, err
	}
	hash := s.dummyHash()
	if known {
		hash = []byte(u.PasswordHash)
	}
	if s.compare(hash, []byte(password)) != nil || !known {
		err := s.recordFailure(ctx, key, network, now)
		if apperr.As(err).Code == CodeLocked {
			s.log.WarnContext(ctx, "login locked for a client network after repeated failures", "network", network)
		}
		s.log.InfoContext(ctx, "login refused", "code", apperr.As(err).Code)
		return Session{}, err
	}
	if u.Status != StatusActive {
		return Session{}, apperr.New(apperr.Forbidden, CodeInactive, "this account is "+u.Status)
	}
	var sess Session
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		// The password may have changed while bcrypt ran: sign in only
		// against the hash that was checked.
		tag, err := tx.Exec(ctx, `UPDATE users.users SET last_login_at = $2 WHERE id = $1 AND password_hash = $3`, u.ID, now, u.PasswordHash)
		if err != nil {
			return fmt.Errorf("user: record login: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return errLoginFailed
		}
		if err := recordSuccess(ctx, tx, key, network, now); err != nil {
			return err
		}
		sess, err = s.startSession(ctx, tx, u, now)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	s.log.InfoContext(ctx, "owner logged in", "userId", sess.UserID)
	return sess, nil
}

// limitLogins limits attempts per client address: LoginRatePerIP a minute.
func (s *Service) limitLogins(ctx context.Context, ip string) error {
	if ip == "" {
		return nil
	}
	if wait, over := s.overLimit(ctx, "login", redis.Limit{Key: "auth:login:ip:" + ip, Rate: s.cfg.LoginRatePerIP}); over {
		return apperr.New(apperr.TooMany, CodeTooManyAttempts, "too many login attempts from this address; try again in a minute").
			RetryAfter(wait)
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
		if err := s.markRevoked(ctx, []uuid.UUID{reused}); err != nil {
			// The answer is a refusal either way; the session's cached
			// state lapses within the access token lifetime.
			s.log.ErrorContext(ctx, "could not mark a reused session revoked in Redis", "sessionId", reused, "error", err)
		}
		s.log.WarnContext(ctx, "refresh token reused: session revoked", "sessionId", reused)
		return Session{}, errBadToken
	}
	return sess, nil
}

// Revocation. Postgres (users.sessions.revoked_at) is the truth; Redis
// caches each session's state under sessionKey so that Authenticate costs no
// Postgres query in the common case: on a miss it asks Postgres once and
// caches the answer (SET NX, so it never overwrites a revocation written
// meanwhile) for the access token lifetime. A lost key (eviction, a restart)
// only costs one more query, never brings a token back. A revocation is
// answered 2xx only once both Postgres and the Redis marker are written;
// when Redis refuses the write the caller gets 503 AUTH_009 and may retry.
const (
	sessionActive  = "1"
	sessionRevoked = "0"
)

func (s *Service) sessionKey(sid uuid.UUID) string {
	return s.cfg.KeyPrefix + "auth:session:" + sid.String()
}

var errRevocationPending = apperr.New(apperr.Unavailable, CodeRevocationPending,
	"the sign-out could not be completed on every server; try again in a few seconds").RetryAfter(5)

// markRevoked writes the revoked state of the sessions to the cache,
// replacing a cached active state. Its markers outlive every access token
// issued before the revocation.
func (s *Service) markRevoked(ctx context.Context, sids []uuid.UUID) error {
	if len(sids) == 0 {
		return nil
	}
	ttl := s.cfg.Tokens.AccessTTL + time.Minute
	pipe := s.rdb.Pipeline()
	for _, sid := range sids {
		pipe.Set(ctx, s.sessionKey(sid), sessionRevoked, ttl)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("user: mark sessions revoked: %w", err)
	}
	return nil
}

// Authenticate turns an access token into the caller. The token must be
// signed with our key and algorithm, for our issuer and audience, unexpired,
// and of a session that is not revoked: Redis answers from its cache;
// on a miss or when Redis is down, Postgres does.
func (s *Service) Authenticate(ctx context.Context, token string) (Caller, error) {
	if token == "" {
		return Caller{}, errBadToken
	}
	c, err := s.tokens.parse(token)
	if err != nil {
		return Caller{}, apperr.Wrap(err, apperr.Unauthorized, CodeBadToken, errBadToken.Detail)
	}
	state, err := s.rdb.Get(ctx, s.sessionKey(c.SessionID)).Result()
	switch {
	case err == nil && state == sessionActive:
		return c, nil
	case err == nil:
		return Caller{}, errBadToken
	}
	var revoked bool
	if qerr := s.db.QueryRow(ctx, `SELECT revoked_at IS NOT NULL FROM users.sessions WHERE id = $1`, c.SessionID).Scan(&revoked); qerr != nil {
		if !errors.Is(qerr, pgx.ErrNoRows) {
			s.log.WarnContext(ctx, "could not check a session", "error", qerr)
		}
		return Caller{}, errBadToken
	}
	if errors.Is(err, goredis.Nil) {
		state, ttl := sessionActive, s.cfg.Tokens.AccessTTL
		if revoked {
			state, ttl = sessionRevoked, s.cfg.Tokens.AccessTTL+time.Minute
		}
		if serr := s.rdb.SetNX(ctx, s.sessionKey(c.SessionID), state, ttl).Err(); serr != nil {
			s.log.DebugContext(ctx, "could not cache a session's state", "error", serr)
		}
	}
	if revoked {
		return Caller{}, errBadToken
	}
	return c, nil
}

// Logout ends the caller's session: the refresh token stops working and
// every access token of the session is refused from now on. Logging out
// twice is fine, and finishes a logout that answered AUTH_009.
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
	// The refresh token is dead now; the access tokens once Redis knows.
	if err := s.markRevoked(ctx, []uuid.UUID{c.SessionID}); err != nil {
		s.log.ErrorContext(ctx, "logout: the session is revoked in Postgres but Redis refused the marker", "sessionId", c.SessionID, "error", err)
		return errRevocationPending
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
// signs out every other session. The current password is checked before the
// new one is hashed, both outside any transaction, and an account may try
// only so often. The change commits only once Redis knows the other
// sessions are revoked; otherwise nothing changes and the answer is AUTH_009.
func (s *Service) ChangePassword(ctx context.Context, c Caller, current, next string) error {
	var v apperr.Validation
	checkPassword(&v, "newPassword", next)
	v.Check(subtle.ConstantTimeCompare([]byte(current), []byte(next)) == 0, "newPassword", "must differ from the current password")
	if err := v.Err(); err != nil {
		return err
	}
	if wait, over := s.overLimit(ctx, "password", redis.Limit{Key: "auth:password:user:" + c.UserID.String(), Rate: s.cfg.PasswordChangesPerHour, Period: time.Hour}); over {
		return apperr.New(apperr.TooMany, CodeTooManyPasswordChanges, "too many password change attempts; try again later").
			RetryAfter(wait)
	}
	u, err := getUser(ctx, s.db, "u.id = $1", c.UserID, false)
	if err != nil {
		return err
	}
	errWrong := apperr.New(apperr.Invalid, CodeWrongPassword, "the current password is incorrect")
	if s.compare([]byte(u.PasswordHash), []byte(current)) != nil {
		return errWrong
	}
	hash, err := s.hash([]byte(next), s.cfg.BcryptCost)
	if err != nil {
		return err
	}
	now := s.now()
	var revoked []uuid.UUID
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		// Only over the hash that was checked: a concurrent change wins.
		tag, err := tx.Exec(ctx, `UPDATE users.users SET password_hash = $2, version = version + 1, updated_at = $3 WHERE id = $1 AND password_hash = $4`,
			u.ID, string(hash), now, u.PasswordHash)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errWrong
		}
		revoked, err = revokeSessions(ctx, tx, "user_id = $3 AND id <> $4", []any{u.ID, c.SessionID}, "password_changed", now)
		if err != nil {
			return err
		}
		if err := s.markRevoked(ctx, revoked); err != nil {
			s.log.ErrorContext(ctx, "password change: Redis refused the revocation markers; nothing changed", "userId", c.UserID, "error", err)
			return errRevocationPending
		}
		return nil
	})
	if err != nil {
		return err
	}
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
