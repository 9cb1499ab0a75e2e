package devhost

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Route is a compiled route template of an HTTP trigger, as ASP.NET Core
// routing reads it: literal segments, {name}, {name?} (optional, trailing),
// {*rest} (catch-all, last) and inline constraints ({id:guid}, {n:int},
// {s:minlength(2)}, {x:regex(^a+$)} ...).
type Route struct {
	Template string
	segments []segment
}

type segment struct {
	literal     string
	param       string
	optional    bool
	catchAll    bool
	constraints []constraint
}

type constraint func(string) bool

var paramRe = regexp.MustCompile(`^\{(\*?)([A-Za-z_][A-Za-z0-9_]*)((?::[^:{}]+(?:\([^)]*\))?)*)(\??)\}$`)

// ParseRoute compiles prefix + template.
func ParseRoute(prefix, template string) (*Route, error) {
	full := strings.Trim(strings.Trim(prefix, "/")+"/"+strings.Trim(template, "/"), "/")
	r := &Route{Template: "/" + full}
	if full == "" {
		return r, nil
	}
	parts := strings.Split(full, "/")
	for i, p := range parts {
		if !strings.Contains(p, "{") {
			r.segments = append(r.segments, segment{literal: p})
			continue
		}
		m := paramRe.FindStringSubmatch(p)
		if m == nil {
			return nil, fmt.Errorf("route %q: segment %q must be a literal or one {parameter}", template, p)
		}
		seg := segment{param: m[2], catchAll: m[1] == "*", optional: m[4] == "?"}
		if (seg.catchAll || seg.optional) && i != len(parts)-1 {
			return nil, fmt.Errorf("route %q: {%s} must be the last segment", template, seg.param)
		}
		if m[3] != "" {
			for _, c := range splitConstraints(m[3][1:]) {
				fn, err := parseConstraint(c)
				if err != nil {
					return nil, fmt.Errorf("route %q: %w", template, err)
				}
				seg.constraints = append(seg.constraints, fn)
			}
		}
		r.segments = append(r.segments, seg)
	}
	return r, nil
}

func splitConstraints(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ':':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func parseConstraint(c string) (constraint, error) {
	name, arg, hasArg := strings.Cut(c, "(")
	arg = strings.TrimSuffix(arg, ")")
	num := func() (int64, error) { return strconv.ParseInt(arg, 10, 64) }
	switch strings.ToLower(name) {
	case "int", "long":
		return func(v string) bool { _, err := strconv.ParseInt(v, 10, 64); return err == nil }, nil
	case "guid":
		return func(v string) bool { _, err := uuid.Parse(v); return err == nil }, nil
	case "bool":
		return func(v string) bool { _, err := strconv.ParseBool(strings.ToLower(v)); return err == nil }, nil
	case "alpha":
		return func(v string) bool {
			for _, r := range v {
				if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
					return false
				}
			}
			return v != ""
		}, nil
	case "decimal", "double", "float":
		return func(v string) bool { _, err := strconv.ParseFloat(v, 64); return err == nil }, nil
	case "datetime":
		return func(v string) bool {
			for _, l := range []string{time.RFC3339, "2006-01-02", "2006-01-02T15:04:05"} {
				if _, err := time.Parse(l, v); err == nil {
					return true
				}
			}
			return false
		}, nil
	case "minlength", "maxlength", "length", "min", "max":
		if !hasArg {
			return nil, fmt.Errorf("constraint %s needs an argument", name)
		}
		n, err := num()
		if err != nil {
			if strings.ToLower(name) == "length" {
				lo, hi, ok := strings.Cut(arg, ",")
				a, e1 := strconv.Atoi(strings.TrimSpace(lo))
				b, e2 := strconv.Atoi(strings.TrimSpace(hi))
				if ok && e1 == nil && e2 == nil {
					return func(v string) bool { n := len([]rune(v)); return n >= a && n <= b }, nil
				}
			}
			return nil, fmt.Errorf("constraint %s(%s): bad number", name, arg)
		}
		switch strings.ToLower(name) {
		case "minlength":
			return func(v string) bool { return int64(len([]rune(v))) >= n }, nil
		case "maxlength":
			return func(v string) bool { return int64(len([]rune(v))) <= n }, nil
		case "length":
			return func(v string) bool { return int64(len([]rune(v))) == n }, nil
		case "min":
			return func(v string) bool { x, err := strconv.ParseInt(v, 10, 64); return err == nil && x >= n }, nil
		default:
			return func(v string) bool { x, err := strconv.ParseInt(v, 10, 64); return err == nil && x <= n }, nil
		}
	case "range":
		lo, hi, ok := strings.Cut(arg, ",")
		a, e1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, e2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		if !ok || e1 != nil || e2 != nil {
			return nil, fmt.Errorf("constraint range(%s): want range(min,max)", arg)
		}
		return func(v string) bool { x, err := strconv.ParseInt(v, 10, 64); return err == nil && x >= a && x <= b }, nil
	case "regex":
		re, err := regexp.Compile(arg)
		if err != nil {
			return nil, fmt.Errorf("constraint regex(%s): %w", arg, err)
		}
		return re.MatchString, nil
	default:
		return nil, fmt.Errorf("unknown route constraint %q", name)
	}
}

// Match reports whether path (already unescaped segments are compared
// case-insensitively for literals, as ASP.NET does) matches, and the values.
func (r *Route) Match(path string) (map[string]string, bool) {
	path = strings.Trim(path, "/")
	var parts []string
	if path != "" {
		parts = strings.Split(path, "/")
	}
	params := map[string]string{}
	for i, seg := range r.segments {
		if i >= len(parts) {
			if seg.optional || seg.catchAll {
				return params, true
			}
			return nil, false
		}
		if seg.catchAll {
			rest := strings.Join(parts[i:], "/")
			if !checkAll(seg.constraints, rest) {
				return nil, false
			}
			params[seg.param] = rest
			return params, true
		}
		v, err := url.PathUnescape(parts[i])
		if err != nil {
			return nil, false
		}
		if seg.param == "" {
			if !strings.EqualFold(seg.literal, v) {
				return nil, false
			}
			continue
		}
		if v == "" || !checkAll(seg.constraints, v) {
			return nil, false
		}
		params[seg.param] = v
	}
	return params, len(parts) == len(r.segments)
}

func checkAll(cs []constraint, v string) bool {
	for _, c := range cs {
		if !c(v) {
			return false
		}
	}
	return true
}

// precedence ranks a route's segments as ASP.NET routing does: a literal
// beats a constrained parameter, which beats a plain one, then optional, then
// catch-all. Lower sorts first.
func (r *Route) precedence() []int {
	out := make([]int, len(r.segments))
	for i, s := range r.segments {
		switch {
		case s.param == "":
			out[i] = 0
		case s.catchAll:
			out[i] = 4
		case s.optional:
			out[i] = 3
		case len(s.constraints) > 0:
			out[i] = 1
		default:
			out[i] = 2
		}
	}
	return out
}

// before reports whether r should be tried before o.
func (r *Route) before(o *Route) bool {
	a, b := r.precedence(), o.precedence()
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) > len(b)
}
