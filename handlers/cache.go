package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// PublicMaxAge is how long the CDN and browsers may keep a public page's
// data without asking: short enough that a draw shows within half a
// minute, long enough that a flash crowd reaches the functions a few times
// a minute per edge instead of once per visitor.
const PublicMaxAge = "public, max-age=30"

// writeCacheable answers 200 with v as JSON, a strong ETag over the exact
// body and PublicMaxAge; a request whose If-None-Match names that ETag gets
// 304 and no body. Only for responses that are the same for everyone.
func (s *Server) writeCacheable(w http.ResponseWriter, r *http.Request, v any) {
	var body bytes.Buffer
	if err := json.NewEncoder(&body).Encode(v); err != nil { // as writeJSON writes it
		s.writeError(w, r, err)
		return
	}
	sum := sha256.Sum256(body.Bytes())
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", PublicMaxAge)
	if etagMatches(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body.Bytes())
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 13.1.2): any
// listed tag equal to etag once W/ is dropped, or "*".
func etagMatches(headers []string, etag string) bool {
	for _, h := range headers {
		for _, tag := range strings.Split(h, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
	}
	return false
}

// decodeAnyJSON is decodeOptionalJSON whatever the declared Content-Type:
// navigator.sendBeacon posts a string body as text/plain.
func decodeAnyJSON(r *http.Request, v any) error {
	plain := r.Clone(r.Context())
	plain.Header.Del("Content-Type")
	return decodeOptionalJSON(plain, v)
}
