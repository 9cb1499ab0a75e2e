// Package phoneverify proves that a customer entering an event holds the
// phone number they typed: a 6-digit code goes out by SMS (shared/messaging),
// the customer types it back, and gets a verification token that
// ParticipationSubmit requires when the event has verifyPhone.
//
// Everything lives in Redis with a TTL: the code (hashed with a per-code
// salt, never stored in clear) for CodeTTL, its tries, the resend gate,
// the send counters and the tokens. Nothing is written for an unknown
// event, an event not open for entries or one without verifyPhone, nor
// before the per-client limit has passed. The clock is injected: the
// expiry and resend checks read it, Redis TTLs only clean up after them.
package phoneverify

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/messaging"
	"github.com/eventmkt/backend/shared/phone"
	"github.com/eventmkt/backend/shared/redis"
)

// Codes, one per refusal (README, docs/openapi.yaml).
const (
	CodeNotEnabled    = "PHONE_001" // 400: the event does not ask for phone verification
	CodeResendTooSoon = "PHONE_002" // 429: a code was sent less than ResendGap ago (Retry-After)
	CodeWrongCode     = "PHONE_003" // 400: wrong code; remainingTries says how many are left
	CodeNoCode        = "PHONE_004" // 400: no code pending for this phone, or it expired: ask for a new one
	CodeTooManyTries  = "PHONE_005" // 429: MaxTries wrong codes: this code is void, ask for a new one
	CodeLimit         = "PHONE_006" // 429: send limit per phone or per client reached (Retry-After)
	CodeSendFailed    = "PHONE_007" // 503: the SMS could not be sent just now: try again
	CodeUnreachable   = "PHONE_008" // 400: the provider refused this number (it cannot receive SMS)
	CodeTokenMissing  = "PHONE_009" // 400: the event needs verificationToken and the entry has none
	CodeTokenInvalid  = "PHONE_010" // 400: the token is unknown, expired, used, or for another phone or event
	CodeNotOpen       = "PHONE_011" // 400: the event is not open for entries (not started, ended)
)

// The fixed rules.
const (
	CodeTTL   = 3 * time.Minute
	MaxTries  = 5
	ResendGap = 60 * time.Second
	codeLen   = 6
	window    = time.Hour // the send limits count per hour
)

// Config tunes the limits.
type Config struct {
	SendsPerPhone  int           // PHONE_VERIFY_SENDS_PER_PHONE: codes per phone and event per hour, 0 = off
	SendsPerClient int           // PHONE_VERIFY_SENDS_PER_CLIENT: codes per client address per hour, 0 = off
	TokenTTL       time.Duration // PHONE_VERIFY_TOKEN_MINUTES: how long a token may be used to enter
	KeyPrefix      string        // Redis key prefix, "phoneverify:" by default (tests isolate theirs)
	// ConfirmsPerClient bounds code checks per client address per hour
	// (0: 5 × SendsPerClient, off when that is 0).
	ConfirmsPerClient int
	// Stores records a store's verified line (storephone.go); nil refuses
	// store verification.
	Stores Stores
}

// Events is the events domain's API this package reads.
type Events interface {
	Snapshot(ctx context.Context, id uuid.UUID) (event.Public, error)
}

// Service sends and checks codes and issues tokens.
type Service struct {
	rdb    goredis.UniversalClient
	events Events
	sms    messaging.Sender
	log    *slog.Logger
	cfg    Config
	now    func() time.Time
	zones  event.Zones
}

// NewService wires the package.
func NewService(rdb goredis.UniversalClient, events Events, sms messaging.Sender, log *slog.Logger, cfg Config, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 30 * time.Minute
	}
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = "phoneverify:"
	}
	if cfg.ConfirmsPerClient == 0 {
		cfg.ConfirmsPerClient = 5 * cfg.SendsPerClient
	}
	return &Service{rdb: rdb, events: events, sms: sms, log: log, cfg: cfg, now: now}
}

// Sent is the answer to a code request.
type Sent struct {
	ExpiresInSeconds   int `json:"expiresInSeconds"`
	ResendAfterSeconds int `json:"resendAfterSeconds"`
}

// Verified is the answer to a good code.
type Verified struct {
	VerificationToken string `json:"verificationToken"`
	ExpiresInSeconds  int    `json:"expiresInSeconds"`
}

// Keys. Event and phone are in the code's keys, so one phone can verify
// for two events at once; the token key is the token's hash. The code and
// the gate of one scope and phone share the hash tag {scope:phone}: a failed
// send deletes both in one DEL, which a sharded Redis allows only within one
// slot.
func (s *Service) codeKey(scope, ph string) string {
	return s.cfg.KeyPrefix + "code:" + redis.Tag(scope+":"+ph)
}
func (s *Service) gateKey(scope, ph string) string {
	return s.cfg.KeyPrefix + "gate:" + redis.Tag(scope+":"+ph)
}
func (s *Service) countKey(kind, who string, now time.Time) string {
	return s.cfg.KeyPrefix + kind + ":" + who + ":" + strconv.FormatInt(now.Unix()/int64(window/time.Second), 10)
}
func (s *Service) tokenKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return s.cfg.KeyPrefix + "token:" + hex.EncodeToString(h[:])
}

// Send texts a new code to the phone for the event. Refusals: the event's
// (EVENT_001 when unknown), PHONE_011, PHONE_001, PHONE_006, PHONE_002,
// PHONE_007, PHONE_008, and VALIDATION_001 for a malformed number.
func (s *Service) Send(ctx context.Context, eventID uuid.UUID, rawPhone, clientIP string) (Sent, error) {
	ph, err := normalize(rawPhone)
	if err != nil {
		return Sent{}, err
	}
	now := s.now()
	snap, err := s.openEvent(ctx, eventID, now)
	if err != nil {
		return Sent{}, err
	}
	return s.sendCode(ctx, eventID.String(), ph, clientIP, now, func(code string) string {
		return fmt.Sprintf("[%s] 이벤트 참여 인증번호는 %s 입니다. %d분 안에 입력해 주세요.", clipStore(snap.StoreName), code, int(CodeTTL/time.Minute))
	})
}

// sendCode texts a new code for (scope, phone): an event's id, or a
// store's (storephone.go). The per-client count is the first write.
func (s *Service) sendCode(ctx context.Context, scope, ph, clientIP string, now time.Time, text func(code string) string) (Sent, error) {
	if err := s.count(ctx, "sends:client", clientIP, s.cfg.SendsPerClient, now); err != nil {
		return Sent{}, err
	}
	wait, err := gate.Run(ctx, s.rdb, []string{s.gateKey(scope, ph)}, now.UnixMilli(), ResendGap.Milliseconds()).Int64()
	if err != nil {
		return Sent{}, fmt.Errorf("phoneverify: resend gate: %w", err)
	}
	if wait > 0 {
		secs := int((wait + 999) / 1000)
		return Sent{}, apperr.New(apperr.TooMany, CodeResendTooSoon, fmt.Sprintf("a code was just sent; you can ask again in %d seconds", secs)).
			RetryAfter(secs)
	}
	if err := s.count(ctx, "sends:phone", scope+":"+ph, s.cfg.SendsPerPhone, now); err != nil {
		return Sent{}, err
	}
	code, err := newCode()
	if err != nil {
		return Sent{}, err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Sent{}, err
	}
	key := s.codeKey(scope, ph)
	pipe := s.rdb.TxPipeline()
	pipe.Del(ctx, key)
	pipe.HSet(ctx, key, "hash", hashCode(salt, code), "salt", hex.EncodeToString(salt), "tries", 0,
		"expires", now.Add(CodeTTL).UnixMilli())
	pipe.PExpire(ctx, key, CodeTTL+5*time.Second)
	if _, err := pipe.Exec(ctx); err != nil {
		return Sent{}, fmt.Errorf("phoneverify: store code: %w", err)
	}
	if _, err := s.sms.SendSMS(ctx, messaging.SMS{To: ph, Text: text(code)}); err != nil {
		// The customer may ask again at once: drop the code and the gate.
		s.rdb.Del(context.WithoutCancel(ctx), key, s.gateKey(scope, ph))
		s.log.WarnContext(ctx, "verification code not sent", "scope", scope, "phone", phone.Mask(ph), "error", err)
		if messaging.IsRetryable(err) {
			return Sent{}, apperr.Wrap(err, apperr.Unavailable, CodeSendFailed, "the code could not be sent just now; please try again")
		}
		return Sent{}, apperr.Wrap(err, apperr.Invalid, CodeUnreachable, "this number cannot receive the code by SMS")
	}
	return Sent{ExpiresInSeconds: int(CodeTTL / time.Second), ResendAfterSeconds: int(ResendGap / time.Second)}, nil
}

// checkInput normalises the phone and checks the code's shape.
func checkInput(rawPhone, code string) (string, string, error) {
	ph, err := phone.Normalize(rawPhone)
	code = strings.TrimSpace(code)
	var v apperr.Validation
	if err != nil {
		v.Addf("phoneNumber", "must be a Korean mobile number (010-1234-5678)")
	}
	v.Check(len(code) == codeLen && strings.Trim(code, "0123456789") == "", "code", "must be the %d digits sent by SMS", codeLen)
	return ph, code, v.Err()
}

// Confirm checks a code and, when it is right, issues a token for the
// event and phone. Refusals: the event's, PHONE_011, PHONE_001, PHONE_006,
// PHONE_004, PHONE_003 (with remainingTries), PHONE_005, VALIDATION_001.
func (s *Service) Confirm(ctx context.Context, eventID uuid.UUID, rawPhone, code, clientIP string) (Verified, error) {
	ph, code, err := checkInput(rawPhone, code)
	if err != nil {
		return Verified{}, err
	}
	now := s.now()
	if _, err := s.openEvent(ctx, eventID, now); err != nil {
		return Verified{}, err
	}
	if err := s.checkCode(ctx, eventID.String(), ph, code, clientIP, now); err != nil {
		return Verified{}, err
	}
	token, err := newToken()
	if err != nil {
		return Verified{}, err
	}
	b, _ := json.Marshal(tokenClaim{EventID: eventID, Phone: ph, Expires: now.Add(s.cfg.TokenTTL).UnixMilli()})
	if err := s.rdb.Set(ctx, s.tokenKey(token), b, s.cfg.TokenTTL+time.Minute).Err(); err != nil {
		return Verified{}, fmt.Errorf("phoneverify: store token: %w", err)
	}
	return Verified{VerificationToken: token, ExpiresInSeconds: int(s.cfg.TokenTTL / time.Second)}, nil
}

// checkCode settles one try of the code pending for (scope, phone): nil
// when right (the code is used up).
func (s *Service) checkCode(ctx context.Context, scope, ph, code, clientIP string, now time.Time) error {
	if err := s.count(ctx, "confirms:client", clientIP, s.cfg.ConfirmsPerClient, now); err != nil {
		return err
	}
	key := s.codeKey(scope, ph)
	got, err := s.rdb.HMGet(ctx, key, "hash", "salt", "expires").Result()
	if err != nil {
		return fmt.Errorf("phoneverify: read code: %w", err)
	}
	hash, _ := got[0].(string)
	saltHex, _ := got[1].(string)
	expires, _ := strconv.ParseInt(fmt.Sprint(got[2]), 10, 64)
	salt, _ := hex.DecodeString(saltHex)
	if hash == "" || now.UnixMilli() >= expires {
		if hash != "" {
			s.rdb.Del(ctx, key)
		}
		return apperr.New(apperr.Invalid, CodeNoCode, "no code is waiting for this number, or it expired: ask for a new one")
	}
	ok := hmac.Equal([]byte(hash), []byte(hashCode(salt, code)))
	res, err := attempt.Run(ctx, s.rdb, []string{key}, hash, boolArg(ok), MaxTries).Int64()
	if err != nil {
		return fmt.Errorf("phoneverify: check code: %w", err)
	}
	switch {
	case res == -1: // gone meanwhile (used, replaced or expired)
		return apperr.New(apperr.Invalid, CodeNoCode, "no code is waiting for this number, or it expired: ask for a new one")
	case res == -2:
		return apperr.New(apperr.TooMany, CodeTooManyTries, fmt.Sprintf("%d wrong codes: this code no longer works; ask for a new one", MaxTries)).
			With("remainingTries", 0)
	case res > 0:
		return apperr.New(apperr.Invalid, CodeWrongCode, fmt.Sprintf("wrong code; %d tries left", res)).
			With("remainingTries", int(res))
	}
	return nil
}

type tokenClaim struct {
	EventID uuid.UUID `json:"e"`
	Phone   string    `json:"p"`
	Expires int64     `json:"x"` // unix ms
}

// Check tells participation whether token proves phone (normalised) for
// the event: PHONE_009 when empty, PHONE_010 when unknown, expired, used,
// or bound to another event or phone. It writes nothing.
func (s *Service) Check(ctx context.Context, eventID uuid.UUID, ph, token string) error {
	if strings.TrimSpace(token) == "" {
		return apperr.New(apperr.Invalid, CodeTokenMissing, "this event needs the phone number verified first (verificationToken)")
	}
	bad := apperr.New(apperr.Invalid, CodeTokenInvalid, "the phone verification is not valid for this number and event (expired or already used?): verify again")
	if len(token) > 100 {
		return bad
	}
	raw, err := s.rdb.Get(ctx, s.tokenKey(token)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return bad
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "", "phone verification is unavailable just now; please try again")
	}
	var c tokenClaim
	if json.Unmarshal(raw, &c) != nil || c.EventID != eventID || c.Phone != ph || s.now().UnixMilli() >= c.Expires {
		return bad
	}
	return nil
}

// Consume voids a token once its entry is stored. A failure only leaves
// the token to expire: the entry exists, so the phone cannot enter again.
func (s *Service) Consume(ctx context.Context, token string) {
	if err := s.rdb.Del(context.WithoutCancel(ctx), s.tokenKey(token)).Err(); err != nil {
		s.log.WarnContext(ctx, "verification token not voided", "error", err)
	}
}

// openEvent reads the cached public snapshot (EVENT_001 for an unknown or
// draft event) and checks the event takes entries and wants verification.
func (s *Service) openEvent(ctx context.Context, id uuid.UUID, now time.Time) (event.Public, error) {
	snap, err := s.events.Snapshot(ctx, id)
	if err != nil {
		return event.Public{}, err
	}
	today := event.Today(now, s.zones.Get(snap.TimeZone))
	if snap.Status != event.StatusPublished || today.Before(snap.StartDate.Time) || today.After(snap.EndDate.Time) || snap.DrawnAt != nil {
		return event.Public{}, apperr.New(apperr.Invalid, CodeNotOpen, "the event is not open for entries")
	}
	if !snap.VerifyPhone {
		return event.Public{}, apperr.New(apperr.Invalid, CodeNotEnabled, "this event does not ask for phone verification")
	}
	return snap, nil
}

// count adds one to who's hourly counter of kind and refuses past limit
// (PHONE_006 with Retry-After); limit 0 is off, an empty who (no client
// address) is not counted.
func (s *Service) count(ctx context.Context, kind, who string, limit int, now time.Time) error {
	if limit <= 0 || who == "" {
		return nil
	}
	n, err := incrWithTTL.Run(ctx, s.rdb, []string{s.countKey(kind, who, now)}, window.Milliseconds()).Int64()
	if err != nil {
		return fmt.Errorf("phoneverify: count %s: %w", kind, err)
	}
	if n > int64(limit) {
		secs := int(window/time.Second) - int(now.Unix()%int64(window/time.Second))
		return apperr.New(apperr.TooMany, CodeLimit, fmt.Sprintf("too many verification requests; try again in %d minutes", (secs+59)/60)).
			RetryAfter(secs)
	}
	return nil
}

// gate lets one send through per ResendGap: it answers the milliseconds
// left to wait, or 0 after recording this send's time.
var gate = goredis.NewScript(`
local t = tonumber(redis.call('GET', KEYS[1]) or '')
local now, gap = tonumber(ARGV[1]), tonumber(ARGV[2])
if t and now - t < gap then return gap - (now - t) end
redis.call('SET', KEYS[1], ARGV[1], 'PX', gap)
return 0`)

// attempt settles one try on the code whose hash is ARGV[1]: -1 when the
// code is gone or was replaced, 0 when right (the code is deleted), -2
// when this wrong try was the last (deleted), else the tries left.
var attempt = goredis.NewScript(`
if redis.call('HGET', KEYS[1], 'hash') ~= ARGV[1] then return -1 end
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) return 0 end
local n = redis.call('HINCRBY', KEYS[1], 'tries', 1)
local left = tonumber(ARGV[3]) - n
if left <= 0 then redis.call('DEL', KEYS[1]) return -2 end
return left`)

// incrWithTTL counts in a window key that always expires.
var incrWithTTL = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

func boolArg(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func normalize(raw string) (string, error) {
	ph, err := phone.Normalize(raw)
	if err != nil {
		var v apperr.Validation
		v.Addf("phoneNumber", "must be a Korean mobile number (010-1234-5678)")
		return "", v.Err()
	}
	return ph, nil
}

func hashCode(salt []byte, code string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// clipStore keeps the SMS within one standard message.
func clipStore(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) > 10 {
		return string(r[:10])
	}
	if len(r) == 0 {
		return "이벤트"
	}
	return string(r)
}
