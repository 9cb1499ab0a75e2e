package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/eventmkt/backend/shared/logging"
)

type invocationKey struct{}

func invocationID(ctx context.Context) string {
	id, _ := ctx.Value(invocationKey{}).(string)
	return id
}

// The header the Functions host puts on every request it forwards.
const invocationHeader = "X-Azure-Functions-InvocationId"

// withInvocation tags the request's context (and so every log line) with the
// host's invocation id, or a fresh one when called directly, and writes one
// access-log line per request.
func (s *Server) withInvocation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(invocationHeader)
		if id == "" {
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		ctx := context.WithValue(r.Context(), invocationKey{}, id)
		ctx = logging.WithInvocation(ctx, id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		next.ServeHTTP(rec, r.WithContext(ctx))
		s.log.InfoContext(ctx, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"durationMs", float64(time.Since(start).Microseconds())/1000)
	})
}

// recoverPanics turns a handler panic into a 500 problem; the process, and
// every other in-flight request, lives on.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { // the server's own signal to drop the connection
				panic(v)
			}
			s.logFailure(r.Context(), "handler panicked", s.functionOf(r), http.StatusInternalServerError, codeInternal,
				fmt.Errorf("panic: %v", v), nil, "stack", string(debug.Stack()))
			if rec, ok := w.(*statusRecorder); ok && rec.wrote {
				return // too late for a problem body
			}
			writeProblem(w, r, http.StatusInternalServerError, codeInternal, "The server failed to handle the request; it has been logged.", nil)
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over the limit: at once when Content-Length says
// so, otherwise when the handler reads past it (decodeJSON reports 413).
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.maxBody {
			writeProblem(w, r, http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf("request body exceeds %d bytes", s.maxBody), nil)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
		next.ServeHTTP(w, r)
	})
}

// DefaultInvocationTimeout is the deadline of a queue or timer invocation
// when the app's QueueTimeout is zero: 4 minutes, below host.json's
// functionTimeout (5 minutes), so the work that must outlive a call (the
// resume state, a fallback) has time to run before the host gives up on us.
const DefaultInvocationTimeout = 4 * time.Minute

// withTimeout gives each request a deadline below the host's functionTimeout,
// so a stuck dependency ends as our 5xx rather than the host killing us. A
// queue or timer invocation gets its own, longer deadline: its work (a slow
// channel chain, an AI call and its fallback) is not an HTTP request's.
func (s *Server) withTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timeout := s.timeout
		if r.Method == http.MethodPost && s.invocations[r.URL.Path] {
			timeout = s.invocationTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Flush lets streamed responses (CSV export) reach the client as they go.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		r.wrote = true
		f.Flush()
	}
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
