package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// respond is how a handler answers its service call: the problem for err
// (writeError), else status with v as JSON, or no body when v is nil (a
// 204). The options shape what a success carries besides its body (how
// it may be cached, an ETag, a Location); a problem never carries them.
// The body is encoded before anything is written, so a value that cannot
// be encoded is a 500 problem rather than half an answer.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error, opts ...replyOption) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep := reply{header: w.Header()}
	if v != nil {
		var body bytes.Buffer
		if err := json.NewEncoder(&body).Encode(v); err != nil {
			s.writeError(w, r, fmt.Errorf("handlers: encode the answer: %w", err))
			return
		}
		rep.body = body.Bytes()
	}
	for _, o := range opts {
		o(&rep)
	}
	if rep.conditional && etagMatches(r.Header.Values("If-None-Match"), rep.header.Get("ETag")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if rep.body != nil {
		rep.header.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	_, _ = w.Write(rep.body)
}

// reply is a successful answer while its options shape it.
type reply struct {
	header http.Header
	body   []byte // the encoded JSON, nil for none
	// conditional: a request whose If-None-Match names the ETag gets 304
	// and no body (publicCache).
	conditional bool
}

// A replyOption adds to a successful answer.
type replyOption func(*reply)

// cacheControl sets Cache-Control.
func cacheControl(value string) replyOption {
	return func(r *reply) { r.header.Set("Cache-Control", value) }
}

// noStore is for answers that are one caller's and may change at any
// moment (tokens, links, a job's state, a verification step): no cache
// keeps them.
var noStore = cacheControl("no-store")

// location names the resource the answer created or started.
func location(path string) replyOption {
	return func(r *reply) { r.header.Set("Location", path) }
}

// etag sets the answer's entity tag (already quoted).
func etag(tag string) replyOption {
	return func(r *reply) { r.header.Set("ETag", tag) }
}
