package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/eventmkt/backend/shared/apperr"
)

// Hostile text (NUL bytes, invalid UTF-8, control characters) is refused
// here, where requests are decoded, once for every endpoint: a 400
// VALIDATION_001 naming the field, before any domain sees it. Postgres
// refuses NUL in text (a 500 otherwise), Go's JSON decoder silently turns
// invalid UTF-8 into U+FFFD (so it is checked on the raw bytes), and
// control characters have no business in a name, a phone number or an id.

// multiLineFields are the JSON fields typed in a textarea: they may hold
// line breaks and tabs (\n, \r, \t), never other control characters.
var multiLineFields = map[string]bool{"description": true, "reason": true}

// maxTextErrors bounds the fields one refusal lists.
const maxTextErrors = 10

// textProblem says what is wrong with s as request text, "" when nothing.
func textProblem(s string, multiLine bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return ""
	}
	if !utf8.ValidString(s) {
		return "must be valid UTF-8 text"
	}
	for _, r := range s {
		switch {
		case r == 0:
			return "must not contain NUL characters"
		case multiLine && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return "must not contain control characters"
		}
	}
	return ""
}

// cleanJSON reports that no string in body can hold hostile text, cheaply:
// valid UTF-8, no escape at all (a JSON string cannot hold a raw control
// character) and no C1 control character (U+0080..U+009F, 0xC2 0x80..0x9F).
func cleanJSON(body []byte) bool {
	if bytes.IndexByte(body, '\\') >= 0 || !utf8.Valid(body) {
		return false
	}
	for i := bytes.IndexByte(body, 0xC2); i >= 0 && i+1 < len(body); {
		if c := body[i+1]; c >= 0x80 && c <= 0x9F {
			return false
		}
		j := bytes.IndexByte(body[i+1:], 0xC2)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}

// jsonTextError checks every string of a JSON body (member names too) and
// returns the validation error naming each poisoned field ("name",
// "settings.KAKAO.message", "styles[0]"), or nil. A body that is not JSON
// is left to the decoder to classify.
func jsonTextError(body []byte) error {
	if cleanJSON(body) {
		return nil
	}
	type frame struct {
		path      string
		obj       bool
		expectKey bool
		key       string
		idx       int
	}
	var stack []frame
	var v apperr.Validation
	n := 0
	child := func() (string, string) { // the current value's path and last key
		if len(stack) == 0 {
			return "body", ""
		}
		top := stack[len(stack)-1]
		if top.obj {
			if top.path == "" {
				return top.key, top.key
			}
			return top.path + "." + top.key, top.key
		}
		return top.path + "[" + strconv.Itoa(top.idx) + "]", ""
	}
	advance := func() {
		if len(stack) == 0 {
			return
		}
		if top := &stack[len(stack)-1]; top.obj {
			top.expectKey = true
		} else {
			top.idx++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var prev int64
	for n < maxTextErrors {
		tok, err := dec.Token()
		if err != nil {
			break // the end, or malformed JSON: the decoder proper says which
		}
		raw := body[prev:dec.InputOffset()]
		prev = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				path, _ := child()
				if len(stack) == 0 {
					path = ""
				}
				stack = append(stack, frame{path: path, obj: t == '{', expectKey: true})
			default:
				stack = stack[:len(stack)-1]
				advance()
			}
		case string:
			if len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].expectKey {
				top := &stack[len(stack)-1]
				top.key, top.expectKey = t, false
				field, _ := child()
				if msg := stringProblem(t, raw, false); msg != "" {
					v.Addf(field, "the field name %s", msg)
					n++
				}
				continue
			}
			field, key := child()
			if msg := stringProblem(t, raw, multiLineFields[key]); msg != "" {
				v.Addf(field, "%s", msg)
				n++
			}
			advance()
		default:
			advance()
		}
	}
	return v.Err()
}

// stringProblem checks a decoded JSON string and its raw bytes (where
// invalid UTF-8 is still visible).
func stringProblem(s string, raw []byte, multiLine bool) string {
	if !utf8.Valid(raw) {
		return "must be valid UTF-8 text"
	}
	return textProblem(s, multiLine)
}

// requestTextError checks the path parameters of the matched route pattern
// ("GET /api/v1/events/{eventId}") and every query parameter, names and
// values.
func requestTextError(r *http.Request, pattern string) error {
	var v apperr.Validation
	if _, p, ok := strings.Cut(pattern, " "); ok && strings.Contains(p, "{") {
		// Segment by segment as the mux matched them: an escaped slash stays
		// inside its segment.
		segs, got := strings.Split(p, "/"), strings.Split(r.URL.EscapedPath(), "/")
		for i, seg := range segs {
			if !strings.HasPrefix(seg, "{") || i >= len(got) {
				continue
			}
			name := strings.TrimSuffix(strings.Trim(seg, "{}"), "...")
			val, err := url.PathUnescape(got[i])
			if err != nil {
				val = got[i]
			}
			if msg := textProblem(val, false); msg != "" {
				v.Addf(name, "%s", msg)
			}
		}
	}
	if r.URL.RawQuery != "" {
		q, _ := url.ParseQuery(r.URL.RawQuery)
		for name, vals := range q {
			if msg := textProblem(name, false); msg != "" {
				v.Addf(name, "the parameter name %s", msg)
				continue
			}
			for _, val := range vals {
				if msg := textProblem(val, false); msg != "" {
					v.Addf(name, "%s", msg)
					break
				}
			}
		}
	}
	return v.Err()
}
