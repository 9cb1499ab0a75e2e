package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// PublicMaxAge is how long the CDN and browsers may keep a public page's
// data without asking: short enough that a draw shows within half a
// minute, long enough that a flash crowd reaches the functions a few times
// a minute per edge instead of once per visitor.
const PublicMaxAge = "public, max-age=30"

// publicCache is the reply option of answers that are the same for
// everyone: a strong ETag over the exact body and PublicMaxAge; a request
// whose If-None-Match names that ETag gets 304 and no body.
func publicCache(r *reply) {
	sum := sha256.Sum256(r.body)
	r.header.Set("ETag", `"`+base64.RawURLEncoding.EncodeToString(sum[:18])+`"`)
	r.header.Set("Cache-Control", PublicMaxAge)
	r.conditional = true
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
