// Package logging builds the JSON slog handler every process uses and carries
// per-invocation attributes (the Functions invocation id) through a context, so
// any log call with that context is tagged without threading a logger around.
package logging

import (
	"context"
	"io"
	"log/slog"
)

type ctxKey struct{}

// With returns a context whose log records carry the given attributes in
// addition to those already attached.
func With(ctx context.Context, attrs ...slog.Attr) context.Context {
	prev, _ := ctx.Value(ctxKey{}).([]slog.Attr)
	next := make([]slog.Attr, 0, len(prev)+len(attrs))
	next = append(next, prev...)
	next = append(next, attrs...)
	return context.WithValue(ctx, ctxKey{}, next)
}

// WithInvocation tags every record logged with ctx with the invocation id the
// Functions host assigned, the key that ties our logs to the host's.
func WithInvocation(ctx context.Context, id string) context.Context {
	return With(ctx, slog.String("invocationId", id))
}

// New returns a JSON logger writing to w at the given level, adding the
// context's attributes to each record.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(ctxHandler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})})
}

type ctxHandler struct{ slog.Handler }

func (h ctxHandler) Handle(ctx context.Context, r slog.Record) error {
	if attrs, ok := ctx.Value(ctxKey{}).([]slog.Attr); ok {
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

func (h ctxHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return ctxHandler{h.Handler.WithAttrs(attrs)}
}

func (h ctxHandler) WithGroup(name string) slog.Handler {
	return ctxHandler{h.Handler.WithGroup(name)}
}
