// Package apperr classifies failures once, where they are understood, so that
// the HTTP layer can map them to a status in one place and never leak internals.
package apperr

import (
	"errors"
	"fmt"
)

// Kind is the class of a failure; handlers map each kind to one HTTP status.
type Kind int

// The kinds a domain may report. Internal is the zero value on purpose: an
// error nobody classified is a server fault.
const (
	Internal Kind = iota
	Invalid
	Unauthorized
	Forbidden
	NotFound
	Conflict
	TooMany
	TooLarge
	Unavailable
)

var kindNames = [...]string{"Internal", "Invalid", "Unauthorized", "Forbidden", "NotFound", "Conflict", "TooMany", "TooLarge", "Unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a classified failure. Detail is safe to show to the caller; Err is
// the wrapped cause, logged but never sent to the client.
type Error struct {
	Kind   Kind
	Code   string         // stable code from API.md, e.g. PART_001
	Detail string         // human-readable, client-safe
	Extra  map[string]any // extension members for the problem body (e.g. "missing")
	Err    error
}

func (e *Error) Error() string {
	msg := e.Kind.String()
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// New returns a classified error with a client-safe detail.
func New(kind Kind, code, detail string) *Error {
	return &Error{Kind: kind, Code: code, Detail: detail}
}

// Wrap classifies err; the cause stays available to logs through Unwrap.
func Wrap(err error, kind Kind, code, detail string) *Error {
	return &Error{Kind: kind, Code: code, Detail: detail, Err: err}
}

// With returns a copy of e carrying an extension member for the problem body.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extra = make(map[string]any, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// retryAfterMember is the problem member that says when to come back.
const retryAfterMember = "retryAfterSeconds"

// RetryAfter returns a copy of e telling the caller to come back in secs
// seconds. Every TooMany that knows its wait (and an Unavailable that knows
// when it ends) says it this way: the problem body carries it as
// retryAfterSeconds and the HTTP layer sets Retry-After from it, so no
// handler has to.
func (e *Error) RetryAfter(secs int) *Error { return e.With(retryAfterMember, secs) }

// RetryAfterSeconds is the wait RetryAfter set; ok is false when e has none.
func (e *Error) RetryAfterSeconds() (secs int, ok bool) {
	secs, ok = e.Extra[retryAfterMember].(int)
	return secs, ok
}

// Convenience constructors for the common kinds.
func Invalidf(code, format string, args ...any) *Error {
	return New(Invalid, code, fmt.Sprintf(format, args...))
}

func NotFoundf(code, format string, args ...any) *Error {
	return New(NotFound, code, fmt.Sprintf(format, args...))
}

func Conflictf(code, format string, args ...any) *Error {
	return New(Conflict, code, fmt.Sprintf(format, args...))
}

// As finds the classified error in err's chain. An unclassified error reports
// Internal, so callers never have to special-case plain errors.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Err: err}
}

// KindOf is a shorthand for As(err).Kind.
func KindOf(err error) Kind { return As(err).Kind }
