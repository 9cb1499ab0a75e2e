// Package user owns shop owners' accounts, their stores and their sign-in
// sessions: registration, login with lockout, rotating refresh tokens,
// revocable access tokens, and the profile.
package user

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/phone"
)

// Roles and statuses of the seed user ERD.
const (
	RoleOwner    = "OWNER"
	RoleAdmin    = "ADMIN"
	StatusActive = "ACTIVE"
)

// Error codes (API.md, plus the AUTH_004..006 this service adds).
const (
	CodeDuplicatePhone  = "USER_001"
	CodeDuplicateEmail  = "USER_002"
	CodeNotFound        = "USER_003"
	CodeWrongPassword   = "USER_004"
	CodeConcurrentEdit  = "USER_005"
	CodeLoginFailed     = "AUTH_001"
	CodeBadToken        = "AUTH_002"
	CodeLocked          = "AUTH_003"
	CodeTooManyAttempts = "AUTH_004" // too many logins from one address
	CodeInactive        = "AUTH_005" // the account is not ACTIVE
	CodeForbidden       = "AUTH_006" // another owner's resource
	// CodeTooManySignUps: too many sign-ups from one client address (429).
	CodeTooManySignUps = "AUTH_007"
	// CodeTooManyPasswordChanges: too many password change attempts on
	// one account (429).
	CodeTooManyPasswordChanges = "AUTH_008"
	// CodeRevocationPending: a sign-out could not be made effective
	// everywhere yet (503, Retry-After); retrying finishes it.
	CodeRevocationPending = "AUTH_009"
)

// Store is the owner's shop (1:1 with the user).
type Store struct {
	StoreID       uuid.UUID `json:"storeId"`
	UserID        uuid.UUID `json:"userId"`
	Name          string    `json:"name"`
	Industry      string    `json:"industry"`
	Address       string    `json:"address"`
	BusinessHours *string   `json:"businessHours"`
	// Phone is the owner's number, the store's contact line for channels
	// that need one (RINGOBIZ); not part of the store's JSON.
	Phone string `json:"-"`
	// VerifiedPhoneNumber is the store's own line, proved by an SMS code
	// (storephone.go): the only number a ringback message may go on.
	VerifiedPhoneNumber *string `json:"verifiedPhoneNumber"`
}

// Profile is the owner as they see themselves.
type Profile struct {
	UserID      uuid.UUID `json:"userId"`
	Name        string    `json:"name"`
	PhoneNumber string    `json:"phoneNumber"`
	Email       string    `json:"email"`
	Role        string    `json:"role"`
	Status      string    `json:"status"`
	Version     int       `json:"version"`
	Store       Store     `json:"store"`
}

// Session is what a successful sign-in (or refresh) hands out.
type Session struct {
	UserID       uuid.UUID
	StoreID      uuid.UUID
	Name         string
	Role         string
	AccessToken  string
	RefreshToken string
	ExpiresIn    int // access token lifetime, seconds
}

// RegisterInput is a sign-up.
type RegisterInput struct {
	Name          string
	PhoneNumber   string
	Email         string
	Password      string
	StoreName     string
	Industry      string
	Address       string
	BusinessHours *string
	ClientIP      string // who signs up, for the per-address limit
}

// ProfileUpdate changes the given fields only. Version, when set, must match
// the stored one (from the profile's version or ETag).
type ProfileUpdate struct {
	Name          *string
	PhoneNumber   *string
	Email         *string
	StoreName     *string
	Industry      *string
	Address       *string
	BusinessHours *string
	Version       *int
}

// userRow is a user joined with their store.
type userRow struct {
	ID            uuid.UUID
	StoreID       uuid.UUID
	Name          string
	Email         string
	Phone         string
	PasswordHash  string
	Role          string
	Status        string
	Version       int
	FailedLogins  int
	LockedUntil   *time.Time
	StoreName     string
	Industry      string
	Address       string
	BusinessHours *string
	VerifiedPhone *string
}

func (u userRow) profile() Profile {
	return Profile{
		UserID: u.ID, Name: u.Name, PhoneNumber: u.Phone, Email: u.Email, Role: u.Role, Status: u.Status, Version: u.Version,
		Store: u.store(),
	}
}

func (u userRow) store() Store {
	return Store{StoreID: u.StoreID, UserID: u.ID, Name: u.StoreName, Industry: u.Industry, Address: u.Address, BusinessHours: u.BusinessHours, Phone: u.Phone, VerifiedPhoneNumber: u.VerifiedPhone}
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func checkName(v *apperr.Validation, field, s string) {
	n := runes(s)
	v.Check(n >= 2 && n <= 100, field, "must be 2 to 100 characters")
}

func checkText(v *apperr.Validation, field, s string, max int) {
	n := runes(strings.TrimSpace(s))
	v.Check(n >= 1 && n <= max, field, "is required, at most %d characters", max)
}

// normalizeEmail lower-cases and checks an address.
func normalizeEmail(v *apperr.Validation, field, s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	v.Check(err == nil && a.Address == s && len(s) <= 255 && strings.Contains(s[strings.LastIndex(s, "@")+1:], "."),
		field, "must be an email address")
	return s
}

func normalizePhone(v *apperr.Validation, field, s string) string {
	d, err := phone.Normalize(s)
	v.Check(err == nil, field, "must be a Korean mobile number such as 010-1234-5678")
	return d
}

// checkPassword enforces the policy: 8+ characters with a letter, a digit and
// a symbol; at most 72 bytes, bcrypt's limit (longer would be silently cut).
func checkPassword(v *apperr.Validation, field, pw string) {
	var letter, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			symbol = true
		}
	}
	v.Check(runes(pw) >= 8 && len(pw) <= 72 && letter && digit && symbol, field,
		"must be 8 to 72 bytes long with a letter, a digit and a symbol")
}

func (in *RegisterInput) validate() error {
	var v apperr.Validation
	in.Name = strings.TrimSpace(in.Name)
	checkName(&v, "name", in.Name)
	in.PhoneNumber = normalizePhone(&v, "phoneNumber", in.PhoneNumber)
	in.Email = normalizeEmail(&v, "email", in.Email)
	checkPassword(&v, "password", in.Password)
	in.StoreName, in.Industry, in.Address = strings.TrimSpace(in.StoreName), strings.TrimSpace(in.Industry), strings.TrimSpace(in.Address)
	checkText(&v, "storeName", in.StoreName, 200)
	checkText(&v, "industry", in.Industry, 100)
	checkText(&v, "address", in.Address, 500)
	if in.BusinessHours != nil {
		v.Check(runes(*in.BusinessHours) <= 500, "businessHours", "must be at most 500 characters")
	}
	return v.Err()
}

func (u *ProfileUpdate) validate() error {
	var v apperr.Validation
	if u.Name != nil {
		*u.Name = strings.TrimSpace(*u.Name)
		checkName(&v, "name", *u.Name)
	}
	if u.PhoneNumber != nil {
		*u.PhoneNumber = normalizePhone(&v, "phoneNumber", *u.PhoneNumber)
	}
	if u.Email != nil {
		*u.Email = normalizeEmail(&v, "email", *u.Email)
	}
	for _, f := range []struct {
		name string
		p    *string
		max  int
	}{{"storeName", u.StoreName, 200}, {"industry", u.Industry, 100}, {"address", u.Address, 500}} {
		if f.p != nil {
			*f.p = strings.TrimSpace(*f.p)
			checkText(&v, f.name, *f.p, f.max)
		}
	}
	if u.BusinessHours != nil {
		v.Check(runes(*u.BusinessHours) <= 500, "businessHours", "must be at most 500 characters")
	}
	return v.Err()
}
