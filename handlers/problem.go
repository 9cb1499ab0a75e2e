package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/eventmkt/backend/shared/apperr"
)

// statusOf is the one place where an error kind becomes an HTTP status.
var statusOf = map[apperr.Kind]int{
	apperr.Internal:     http.StatusInternalServerError,
	apperr.Invalid:      http.StatusBadRequest,
	apperr.Unauthorized: http.StatusUnauthorized,
	apperr.Forbidden:    http.StatusForbidden,
	apperr.NotFound:     http.StatusNotFound,
	apperr.Conflict:     http.StatusConflict,
	apperr.TooLarge:     http.StatusRequestEntityTooLarge,
	apperr.TooMany:      http.StatusTooManyRequests,
	apperr.Unavailable:  http.StatusServiceUnavailable,
}

// Codes for failures that are not any domain's (see API.md for the domains').
const (
	codeBadRequest       = "REQUEST_001" // malformed or missing body
	codeNotFound         = "REQUEST_404" // no such route
	codeMethodNotAllowed = "REQUEST_405"
	codeTooLarge         = "REQUEST_413"
	codeTimeout          = "REQUEST_504"
	codeInternal         = "SERVER_500"
)

// Problem is an RFC 9457 problem document plus our stable code.
type Problem struct {
	Type         string `json:"type"`
	Title        string `json:"title"`
	Status       int    `json:"status"`
	Detail       string `json:"detail,omitempty"`
	Code         string `json:"code"`
	Instance     string `json:"instance,omitempty"`
	InvocationID string `json:"invocationId,omitempty"`
}

// writeError answers with the problem for err and logs it: server faults
// (5xx) as a failure record with their cause at error level, client mistakes
// (4xx, a normal outcome) at info.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, status, code, detail := problemOf(err)
	// A throttled or briefly unavailable answer says when to come back. The
	// wait is the error's own (apperr.Error.RetryAfter), so every endpoint
	// that can refuse with it carries Retry-After alike.
	if secs, ok := e.RetryAfterSeconds(); ok && (e.Kind == apperr.TooMany || e.Kind == apperr.Unavailable) {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if status >= 500 {
		s.logFailure(r.Context(), "request failed", s.functionOf(r), status, code, err, nil)
	} else {
		s.log.InfoContext(r.Context(), "request refused", "function", s.functionOf(r), "status", status, "code", code, "detail", detail)
	}
	if e.Kind == apperr.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
	}
	writeProblem(w, r, status, code, detail, e.Extra)
}

// problemOf is what the caller is told about err: the status, the public
// code and the client-safe detail (an internal fault's own text stays in the log).
func problemOf(err error) (e *apperr.Error, status int, code, detail string) {
	e = apperr.As(err)
	status = statusOf[e.Kind]
	code, detail = e.Code, e.Detail
	if e.Kind == apperr.Internal {
		code, detail = codeInternal, "The server failed to handle the request; it has been logged."
	}
	if code == "" {
		code = fmt.Sprintf("HTTP_%d", status)
	}
	return e, status, code, detail
}

// logFailure writes the one record of a failed call. The Functions host reads
// the Logs of an invocation's answer only when the answer is 2xx (a failed
// invocation's body is never parsed), so this record, which reaches
// Application Insights through our stdout, is the only trace of what the call
// did: the context adds the invocation id; logs are the lines the invocation
// had put in Logs. The error's text is our own wrapping of the cause, which
// names what failed, not the caller's data.
func (s *Server) logFailure(ctx context.Context, msg, function string, status int, code string, err error, logs []string, extra ...any) {
	attrs := append([]any{"function", function, "status", status, "kind", apperr.KindOf(err).String(), "code", code, logValue(err)}, extra...)
	if len(logs) > 0 {
		attrs = append(attrs, "logs", logs)
	}
	s.log.ErrorContext(ctx, msg, attrs...)
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string, extra map[string]any) {
	p := Problem{
		Type:         "about:blank",
		Title:        http.StatusText(status),
		Status:       status,
		Detail:       detail,
		Code:         code,
		Instance:     r.URL.Path,
		InvocationID: invocationID(r.Context()),
	}
	var body any = p
	if len(extra) > 0 {
		m := map[string]any{}
		for k, v := range extra {
			m[k] = v
		}
		raw, _ := json.Marshal(p)
		_ = json.Unmarshal(raw, &m) // the standard members win over extensions
		body = m
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// logValue keeps an error's text on one line in logs.
func logValue(err error) slog.Attr { return slog.String("error", err.Error()) }
