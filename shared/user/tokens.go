package user

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// TokenConfig sets how access tokens are signed and checked.
type TokenConfig struct {
	Key        []byte // HMAC-SHA256 key, at least 32 bytes
	Issuer     string
	Audience   string
	AccessTTL  time.Duration // short: 15 minutes
	RefreshTTL time.Duration // a session's lifetime without use
}

// claims are the access token's contents.
type claims struct {
	SessionID string `json:"sid"`
	Role      string `json:"role"`
	StoreID   string `json:"storeId"`
	jwt.RegisteredClaims
}

// Caller is who an access token speaks for.
type Caller struct {
	UserID    uuid.UUID
	StoreID   uuid.UUID
	Role      string
	SessionID uuid.UUID
	TokenID   string
	ExpiresAt time.Time
}

// IsAdmin reports whether the caller may act on any owner's data.
func (c Caller) IsAdmin() bool { return c.Role == RoleAdmin }

// Reads reports whether the caller may read the user's own data: they are
// that user, or an ADMIN.
func (c Caller) Reads(userID uuid.UUID) bool { return c.UserID == userID || c.IsAdmin() }

type tokens struct {
	cfg    TokenConfig
	parser *jwt.Parser
}

func newTokens(cfg TokenConfig, now func() time.Time) (*tokens, error) {
	if len(cfg.Key) < 32 {
		return nil, errors.New("user: the token signing key must be at least 32 bytes")
	}
	return &tokens{cfg: cfg, parser: jwt.NewParser(
		// Only the algorithm we sign with: "none" and RS/HS confusion are refused.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
		jwt.WithTimeFunc(now),
	)}, nil
}

// issue signs an access token for a session.
func (t *tokens) issue(u userRow, sessionID uuid.UUID, now time.Time) (string, time.Time, error) {
	exp := now.Add(t.cfg.AccessTTL)
	c := claims{
		SessionID: sessionID.String(),
		Role:      u.Role,
		StoreID:   u.StoreID.String(),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.cfg.Issuer,
			Subject:   u.ID.String(),
			Audience:  jwt.ClaimStrings{t.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(exp),
			NotBefore: jwt.NewNumericDate(now),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        uuid.NewString(),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.cfg.Key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("user: sign token: %w", err)
	}
	return s, exp, nil
}

// parse checks signature, algorithm, issuer, audience and times.
func (t *tokens) parse(token string) (Caller, error) {
	var c claims
	if _, err := t.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return t.cfg.Key, nil }); err != nil {
		return Caller{}, err
	}
	uid, err1 := uuid.Parse(c.Subject)
	sid, err2 := uuid.Parse(c.SessionID)
	store, err3 := uuid.Parse(c.StoreID)
	if err1 != nil || err2 != nil || err3 != nil || c.ID == "" || (c.Role != RoleOwner && c.Role != RoleAdmin) {
		return Caller{}, errors.New("user: token claims incomplete")
	}
	return Caller{UserID: uid, StoreID: store, Role: c.Role, SessionID: sid, TokenID: c.ID, ExpiresAt: c.ExpiresAt.Time}, nil
}

// newRefreshToken returns an opaque random token and the hash we store.
func newRefreshToken() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
