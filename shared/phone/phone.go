// Package phone normalises and masks Korean mobile numbers, the identity of
// owners and participants alike.
package phone

import (
	"errors"
	"strings"
	"unicode"
)

// ErrInvalid says a number is not a Korean mobile number.
var ErrInvalid = errors.New("not a Korean mobile number (010-1234-5678)")

// Normalize returns the digits-only national form (01012345678) of a Korean
// mobile number written with spaces, hyphens, dots, parentheses or the +82
// country code; anything else is ErrInvalid.
func Normalize(s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return "", ErrInvalid
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+82"):
		d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "+82"), "0")
	case strings.HasPrefix(d, "82") && len(d) >= 11:
		d = "0" + strings.TrimPrefix(d[2:], "0")
	}
	if len(d) < 10 || len(d) > 11 || !strings.HasPrefix(d, "01") || strings.ContainsRune(d, '+') {
		return "", ErrInvalid
	}
	switch d[2] { // 010, 011, 016, 017, 018, 019
	case '0', '1', '6', '7', '8', '9':
	default:
		return "", ErrInvalid
	}
	if d[2] == '0' && len(d) != 11 { // 010 numbers always have 8 more digits
		return "", ErrInvalid
	}
	return d, nil
}

// Mask shows a normalised number as 010-****-5678.
func Mask(d string) string {
	if len(d) < 10 {
		return "***"
	}
	return d[:3] + "-****-" + d[len(d)-4:]
}

// Format writes a normalised number with hyphens (010-1234-5678).
func Format(d string) string {
	switch len(d) {
	case 11:
		return d[:3] + "-" + d[3:7] + "-" + d[7:]
	case 10:
		return d[:3] + "-" + d[3:6] + "-" + d[6:]
	}
	return d
}
