package handlers

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
)

// Invocation is a non-forwarded call from the Functions host: a timer tick,
// a queue message, or (when forwarding is off) an HTTP request wrapped in an
// envelope. The host's encoding has quirks (a message body as a JSON string
// inside JSON, metadata scalars as strings, strings quoted twice, zone-less
// *Utc dates); the decoders here absorb them so functions see plain values.
type Invocation struct {
	ID       string
	Function string
	Data     map[string]json.RawMessage
	Metadata map[string]json.RawMessage
	logs     []string
}

// Logf adds a line to the Logs the host records with this invocation.
func (inv *Invocation) Logf(format string, args ...any) {
	inv.logs = append(inv.logs, fmt.Sprintf(format, args...))
}

// invocationReply is what the host expects back from a custom handler.
type invocationReply struct {
	Outputs     map[string]any `json:"Outputs"`
	Logs        []string       `json:"Logs"`
	ReturnValue any            `json:"ReturnValue"`
}

func decodeInvocation(r *http.Request, function string) (*Invocation, error) {
	var env struct {
		Data     map[string]json.RawMessage `json:"Data"`
		Metadata map[string]json.RawMessage `json:"Metadata"`
	}
	if err := decodeJSON(r, &env); err != nil {
		return nil, err
	}
	inv := &Invocation{ID: invocationID(r.Context()), Function: function, Data: env.Data, Metadata: env.Metadata}
	if inv.Data == nil {
		inv.Data = map[string]json.RawMessage{}
	}
	if inv.Metadata == nil {
		inv.Metadata = map[string]json.RawMessage{}
	}
	return inv, nil
}

// binding returns Data[name], or the only Data entry when name is empty.
// An invocation without it is permanent: the host sends the same again.
func (inv *Invocation) binding(name string) (json.RawMessage, error) {
	if name != "" {
		if raw, ok := inv.Data[name]; ok {
			return raw, nil
		}
		return nil, apperr.Permanent(apperr.Invalidf(codeBadRequest, "invocation has no %q input", name))
	}
	if len(inv.Data) != 1 {
		return nil, apperr.Permanent(apperr.Invalidf(codeBadRequest, "invocation has %d inputs, expected one", len(inv.Data)))
	}
	for _, raw := range inv.Data {
		return raw, nil
	}
	return nil, nil
}

// TimerInfo is a timer trigger's input.
type TimerInfo struct {
	IsPastDue bool
	Last      time.Time // zero when the host has no schedule status yet
	Next      time.Time
}

// Timer decodes the timer input (binding "timer").
func (inv *Invocation) Timer() (TimerInfo, error) {
	raw, err := inv.binding("timer")
	if err != nil {
		return TimerInfo{}, err
	}
	var t struct {
		IsPastDue      bool `json:"IsPastDue"`
		ScheduleStatus *struct {
			Last flexTime `json:"Last"`
			Next flexTime `json:"Next"`
		} `json:"ScheduleStatus"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return TimerInfo{}, apperr.Permanent(apperr.Wrap(err, apperr.Invalid, codeBadRequest, "malformed timer input"))
	}
	info := TimerInfo{IsPastDue: t.IsPastDue}
	if t.ScheduleStatus != nil {
		info.Last, info.Next = time.Time(t.ScheduleStatus.Last), time.Time(t.ScheduleStatus.Next)
	}
	return info, nil
}

// QueueMessage is a Service Bus trigger's input with its system properties.
type QueueMessage struct {
	Body          []byte // the message body as sent
	MessageID     string
	DeliveryCount int
	EnqueuedTime  time.Time
	Subject       string
	CorrelationID string
	ContentType   string
	Properties    map[string]any
}

// Message decodes a Service Bus message (binding "msg"). The body is read
// from Data, never from the copies of its fields the host leaks into
// Metadata. A message without a MessageId is permanent (nothing can make
// its work idempotent), so every consumer may rely on one.
func (inv *Invocation) Message() (QueueMessage, error) {
	raw, err := inv.binding("msg")
	if err != nil {
		return QueueMessage{}, err
	}
	m := QueueMessage{Body: unwrapBody(raw)}
	m.MessageID = inv.metaString("MessageId")
	if m.MessageID == "" {
		return m, apperr.Permanent(apperr.Invalidf(codeBadRequest, "queue invocation without a MessageId"))
	}
	if n, err := strconv.Atoi(inv.metaString("DeliveryCount")); err == nil {
		m.DeliveryCount = n
	}
	m.EnqueuedTime = parseHostTime(inv.metaString("EnqueuedTimeUtc"))
	m.Subject = inv.metaString("Subject")
	if m.Subject == "" {
		m.Subject = inv.metaString("Label")
	}
	m.CorrelationID = inv.metaString("CorrelationId")
	m.ContentType = inv.metaString("ContentType")
	if raw, ok := inv.Metadata["ApplicationProperties"]; ok {
		_ = json.Unmarshal(raw, &m.Properties)
	}
	return m, nil
}

// unwrapBody returns the message body: the host sends it as a JSON string
// holding the JSON text; a body that arrives as a plain JSON value is taken as is.
func unwrapBody(raw json.RawMessage) []byte {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []byte(s)
	}
	return raw
}

// metaString reads a metadata scalar in any of the host's encodings: a JSON
// string that holds a quoted string ("\"abc\""), a plain JSON string, or a
// bare number or boolean.
func (inv *Invocation) metaString(key string) string {
	raw, ok := inv.Metadata[key]
	if !ok {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return strings.TrimSpace(string(raw)) // a bare scalar
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		var inner string
		if err := json.Unmarshal([]byte(s), &inner); err == nil {
			return inner
		}
	}
	return s
}

// flexTime parses the host's timestamps, with or without a zone.
type flexTime time.Time

func (t *flexTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = flexTime(parseHostTime(s))
	return nil
}

// parseHostTime reads RFC 3339 times and the zone-less *Utc form (as UTC).
func parseHostTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// httpEnvelope is Data.req when the host does not forward HTTP requests.
type httpEnvelope struct {
	URL     string              `json:"Url"`
	Method  string              `json:"Method"`
	Headers map[string][]string `json:"Headers"`
	Body    json.RawMessage     `json:"Body"`
}

// Request rebuilds the original HTTP request from an HTTP envelope, so a
// function works even where enableForwardingHttpRequest is off.
func (inv *Invocation) Request() (*http.Request, error) {
	raw, err := inv.binding("req")
	if err != nil {
		return nil, err
	}
	var env httpEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, codeBadRequest, "malformed HTTP envelope")
	}
	u, err := url.Parse(env.URL)
	if err != nil || env.Method == "" {
		return nil, apperr.Invalidf(codeBadRequest, "HTTP envelope without a valid Url and Method")
	}
	var body []byte
	if len(env.Body) > 0 && string(env.Body) != "null" {
		body = unwrapBody(env.Body)
	}
	req, err := http.NewRequest(env.Method, u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, codeBadRequest, "malformed HTTP envelope")
	}
	req.Host = u.Host
	for k, vs := range env.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req, nil
}

// stateWriteTimeout bounds a write that must happen after the invocation's
// deadline (recording a poison message): it runs on a context that outlives
// the call.
const stateWriteTimeout = 10 * time.Second

// invocationFunc handles a timer or queue invocation.
type invocationFunc func(w http.ResponseWriter, r *http.Request, inv *Invocation) error

// settlement is what an invocation's outcome asks of the host.
type settlement int

const (
	settleComplete settlement = iota // 200: the host completes the message
	settlePoison                     // recorded as poison, then 200
	settleRetry                      // 500: the host delivers again
)

func (s settlement) String() string {
	return [...]string{"complete", "poison", "retry"}[s]
}

// settle is the retry rule of queue and timer work, decided here and
// nowhere else, from the error an invocation handler returns:
//
//   - nil: done; the host completes the message.
//   - marked apperr.Permanent, whatever its kind (the input can never
//     succeed): the message is recorded as poison and completed, instead
//     of being redelivered until it dead-letters (acknowledgePoison).
//   - anything else, an Invalid not so marked included: transient; the
//     invocation fails, so Service Bus delivers the message again (a timer
//     waits for its next tick).
func settle(err error) settlement {
	switch {
	case err == nil:
		return settleComplete
	case apperr.IsPermanent(err):
		return settlePoison
	default:
		return settleRetry
	}
}

// invoke adapts an invocation handler to the host protocol under the retry
// rule (settle). The host drops the Logs of an answer that is not 2xx, so
// every failing path logs one failure record carrying them (logFailure).
func (s *Server) invoke(function string, fn invocationFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inv, err := decodeInvocation(r, function)
		if err != nil {
			s.failInvocation(w, r, function, err)
			return
		}
		defer s.recoverInvocation(w, r, inv)
		status := http.StatusOK
		err = fn(w, r, inv)
		switch settle(err) {
		case settlePoison:
			status = s.acknowledgePoison(r, inv, err)
		case settleRetry:
			s.logFailure(r.Context(), "invocation failed; the host will retry", function, http.StatusInternalServerError,
				invocationCode(err), err, inv.logs)
			status = http.StatusInternalServerError
		}
		if inv.logs == nil {
			inv.logs = []string{}
		}
		s.respond(w, r, status, invocationReply{Outputs: map[string]any{}, Logs: inv.logs}, nil)
	}
}

// acknowledgePoison records an input that can never succeed and answers 200
// so it is not redelivered forever, or 500 when it could not be recorded.
func (s *Server) acknowledgePoison(r *http.Request, inv *Invocation, err error) int {
	if m, merr := inv.Message(); merr == nil {
		// Recorded even when the invocation's deadline has passed.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), stateWriteTimeout)
		perr := s.app.Outbox.RecordPoison(ctx, inv.Function, m.MessageID, m.Body, err.Error())
		cancel()
		if perr != nil {
			s.logFailure(r.Context(), "poison message not recorded; leaving it to redelivery", inv.Function, http.StatusInternalServerError,
				invocationCode(perr), perr, inv.logs, "poison", err.Error())
			return http.StatusInternalServerError
		}
	}
	s.log.ErrorContext(r.Context(), "invocation input can never succeed; recorded and acknowledged", "function", inv.Function,
		"kind", apperr.KindOf(err).String(), "code", invocationCode(err), logValue(err))
	inv.Logf("poison input acknowledged: %v", err)
	return http.StatusOK
}

// failInvocation answers an invocation that could not even be decoded: a
// failure to the host (non-2xx) like any other, so logged as one.
func (s *Server) failInvocation(w http.ResponseWriter, r *http.Request, function string, err error) {
	e, status, code, detail := problemOf(err)
	s.logFailure(r.Context(), "invocation refused: malformed input", function, status, code, err, nil)
	writeProblem(w, r, status, code, detail, e.Extra)
}

// recoverInvocation turns a panic in an invocation handler into its failure
// record (with the Logs so far, which the host will drop) and a 500, so the
// host retries; the process, and every other invocation, lives on.
func (s *Server) recoverInvocation(w http.ResponseWriter, r *http.Request, inv *Invocation) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler { // the server's own signal to drop the connection
		panic(v)
	}
	s.logFailure(r.Context(), "invocation panicked; the host will retry", inv.Function, http.StatusInternalServerError, codeInternal,
		fmt.Errorf("panic: %v", v), inv.logs, "stack", string(debug.Stack()))
	if rec, ok := w.(*statusRecorder); ok && rec.wrote {
		return // too late for an answer
	}
	s.respond(w, r, http.StatusInternalServerError, invocationReply{Outputs: map[string]any{}, Logs: []string{}}, nil)
}

// invocationCode is the code logged for a failed invocation: the error's
// own, or the generic internal one (an invocation has no problem body).
func invocationCode(err error) string {
	return cmp.Or(apperr.As(err).Code, codeInternal)
}

// envelopeHTTP serves an HTTP function invoked with an envelope (forwarding
// off): it replays the request through the same routes and returns the
// response as the "res" output binding.
func (s *Server) envelopeHTTP(function string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inv, err := decodeInvocation(r, function)
		if err != nil {
			s.failInvocation(w, r, function, err)
			return
		}
		req, err := inv.Request()
		if err != nil {
			s.failInvocation(w, r, function, err)
			return
		}
		req.Header.Set(invocationHeader, inv.ID)
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req.WithContext(r.Context()))
		headers := map[string]string{}
		for k := range rec.Header() {
			headers[k] = rec.Header().Get(k)
		}
		s.respond(w, r, http.StatusOK, invocationReply{
			Outputs: map[string]any{"res": map[string]any{
				"statusCode": rec.Code,
				"headers":    headers,
				"body":       rec.Body.String(),
			}},
			Logs: []string{},
		}, nil)
	}
}
