// Package messaging sends text messages to customers' phones: SMS and
// KakaoTalk AlimTalk (informational template messages), through NHN Cloud
// Notification's SMS API v3.0 and KakaoTalk Bizmessage AlimTalk API v2.3
// (docs/messaging.md cites the pages). The simulator in
// tools/channelsim plays both APIs for tests and `make run`.
//
// The API other packages use:
//
//	type Sender interface {
//		SendSMS(ctx context.Context, m SMS) (Result, error)
//		SendAlimTalk(ctx context.Context, m AlimTalk) (Result, error)
//	}
//	SMS{To, Text}                                     To: digits, e.g. 01012345678
//	AlimTalk{To, TemplateCode, Params, FallbackText}  FallbackText != "": NHN resends it as SMS (LMS when long)
//	Result{RequestID, Channel}                        NHN's request id; ChannelSMS or ChannelAlimTalk
//
// NewNHN(Config, *http.Client) returns the Sender. A failed send returns a
// *Error; errors.Is(err, ErrRetryable) holds for failures a later attempt
// may get through (timeouts, refused connections, HTTP 429 and 5xx), and
// errors.Is(err, ErrPermanent) for the rest (a number or template NHN
// refused, bad credentials, a setting missing): a queue consumer retries
// the first and records the second. IsRetryable(err) is the shorthand.
//
// An AlimTalk's fallback is NHN's own resend (resendParameter): if the
// AlimTalk cannot be delivered (no KakaoTalk on that number, say) NHN sends
// FallbackText from the same sender number, asynchronously. SendAlimTalk's
// Result therefore says ChannelAlimTalk whenever NHN accepted the message.
package messaging

import (
	"context"
	"errors"
	"fmt"
)

// Channel is how a message went out.
type Channel string

// The channels.
const (
	ChannelSMS      Channel = "SMS"
	ChannelAlimTalk Channel = "ALIMTALK"
)

// SMS is a plain text message. To is a Korean mobile number; anything but
// digits is dropped before sending (010-1234-5678 works).
type SMS struct {
	To   string
	Text string // up to 255 characters; 45 Hangul (90 bytes) fit one standard SMS
}

// AlimTalk is a KakaoTalk informational message from a template registered
// (and approved by Kakao) under the sender key: Params fill its #{name}
// variables. FallbackText, when set, is sent by NHN as an SMS (LMS when
// longer than 45 characters) if the AlimTalk cannot be delivered.
type AlimTalk struct {
	To           string
	TemplateCode string
	Params       map[string]string
	FallbackText string
}

// Result identifies an accepted message.
type Result struct {
	RequestID string  // NHN's requestId, for its console and delivery lookups
	Channel   Channel // the API that accepted it
}

// Sender sends messages. Implementations are safe for concurrent use.
type Sender interface {
	SendSMS(ctx context.Context, m SMS) (Result, error)
	SendAlimTalk(ctx context.Context, m AlimTalk) (Result, error)
}

// Sentinels for errors.Is: every *Error matches exactly one.
var (
	ErrRetryable = errors.New("messaging: retryable failure")
	ErrPermanent = errors.New("messaging: permanent failure")
)

// Error is a failed send.
type Error struct {
	Channel    Channel
	Retryable  bool
	HTTPStatus int    // 0 when no answer came
	ResultCode int    // NHN's resultCode (header or recipient), 0 when none
	Message    string // NHN's resultMessage or what went wrong; never the secret key
	Err        error  // the transport error, if any
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Retryable {
		kind = "retryable"
	}
	msg := fmt.Sprintf("messaging %s: %s failure", e.Channel, kind)
	if e.HTTPStatus != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	if e.ResultCode != 0 {
		msg += fmt.Sprintf(" resultCode %d", e.ResultCode)
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRetryable) and errors.Is(err, ErrPermanent)
// work on the classification.
func (e *Error) Is(target error) bool {
	return (target == ErrRetryable && e.Retryable) || (target == ErrPermanent && !e.Retryable)
}

// IsRetryable reports whether a later attempt may succeed. Errors that are
// not a *Error count as retryable only if they are a context deadline.
func IsRetryable(err error) bool {
	return errors.Is(err, ErrRetryable) || errors.Is(err, context.DeadlineExceeded)
}
