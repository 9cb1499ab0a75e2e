package devhost

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Route is an HTTP trigger's route template (host.json's routePrefix
// included) as net/http ServeMux paths: the form the custom handler's own
// routes take (handlers/server.go registers "GET /api/v1/events/{eventId}").
// Routing the local host with the same mux means a template the handler's
// mux could not serve does not pass here either: what a pattern cannot
// express is refused when the host starts, instead of being routed
// otherwise than on Azure.
type Route struct {
	Template string   // as Azure lists it: /api/v1/events/{eventId}
	paths    []string // ServeMux paths; a trailing optional or catch-all parameter takes two
	params   []routeParam
}

type routeParam struct {
	name       string
	constraint string            // as written, for messages
	check      func(string) bool // nil: any value
}

// paramRe reads one whole-segment parameter: {name}, {name?}, {*name},
// {**name}, with an optional :constraint.
var paramRe = regexp.MustCompile(`^\{(\*{0,2})([A-Za-z_][A-Za-z0-9_]*)(?::([^{}?]*))?(\??)\}$`)

// constraints are the inline constraints the host checks after the mux has
// matched. Others (range, regex, minlength ...) are refused: the handler's
// mux checks none, and an unchecked constraint would route what Azure
// answers 404.
var constraints = map[string]func(string) bool{
	"int":  func(v string) bool { _, err := strconv.ParseInt(v, 10, 64); return err == nil },
	"long": func(v string) bool { _, err := strconv.ParseInt(v, 10, 64); return err == nil },
	"bool": func(v string) bool { _, err := strconv.ParseBool(strings.ToLower(v)); return err == nil },
	"guid": func(v string) bool { _, err := uuid.Parse(v); return err == nil },
	"alpha": func(v string) bool {
		return v != "" && strings.IndexFunc(v, func(r rune) bool { return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') }) < 0
	},
}

// ParseRoute translates prefix + template into ServeMux paths. It accepts
// literal segments, whole-segment {name} parameters, a last {name?}
// (optional) or {*name} (catch-all) and the constraints above; anything
// else is an error naming the template.
func ParseRoute(prefix, template string) (*Route, error) {
	full := strings.Trim(strings.Trim(prefix, "/")+"/"+strings.Trim(template, "/"), "/")
	r := &Route{Template: "/" + full}
	if full == "" {
		r.paths = []string{"/{$}"} // "/" alone would match every path
		return r, nil
	}
	fail := func(format string, args ...any) (*Route, error) {
		return nil, fmt.Errorf("route %q: %s", template, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(full, "/")
	segs := make([]string, len(parts))
	lastOptional := false
	for i, p := range parts {
		if p == "" {
			return fail("empty segment")
		}
		if !strings.ContainsAny(p, "{}") {
			segs[i] = p
			continue
		}
		m := paramRe.FindStringSubmatch(p)
		if m == nil {
			return fail("segment %q: a ServeMux pattern takes a literal or one whole-segment {parameter} (no default values, no text around it)", p)
		}
		catchAll, name, constraint, optional := m[1] != "", m[2], m[3], m[4] != ""
		if catchAll && optional {
			return fail("{%s}: a catch-all is optional already", strings.Trim(p, "{}"))
		}
		if (catchAll || optional) && i != len(parts)-1 {
			return fail("{%s} must be the last segment: a ServeMux pattern has no optional or catch-all segment in the middle", strings.Trim(p, "{}"))
		}
		if slices.ContainsFunc(r.params, func(q routeParam) bool { return strings.EqualFold(q.name, name) }) {
			return fail("parameter {%s} appears twice", name)
		}
		param := routeParam{name: name, constraint: constraint}
		if constraint != "" {
			check, ok := constraints[strings.ToLower(constraint)]
			if !ok {
				return fail("constraint {%s:%s}: the local host checks only int, long, bool, guid and alpha", name, constraint)
			}
			param.check = check
		}
		r.params = append(r.params, param)
		segs[i] = "{" + name + "}"
		if catchAll {
			segs[i] = "{" + name + "...}"
		}
		lastOptional = catchAll || optional
	}
	if lastOptional {
		// Absent, the parameter takes its segment with it: "files" for files/{*rest}.
		r.paths = append(r.paths, "/"+strings.Join(segs[:len(segs)-1], "/"))
		if len(segs) == 1 {
			r.paths[0] = "/{$}"
		}
	}
	r.paths = append(r.paths, "/"+strings.Join(segs, "/"))
	return r, nil
}

// patterns are the route's ServeMux patterns, one for each method and path
// (no method: any method).
func (r *Route) patterns(methods []string) []string {
	if len(methods) == 0 {
		return slices.Clone(r.paths)
	}
	var out []string
	for _, m := range methods {
		for _, p := range r.paths {
			out = append(out, m+" "+p)
		}
	}
	return out
}

// router finds the HTTP function for a request with a ServeMux that holds
// every HTTP function's patterns.
type router struct {
	mux   *http.ServeMux
	owner map[string]*Function // pattern -> function
}

// newRouter registers the functions' patterns. Two templates the mux cannot
// choose between, or a constrained parameter whose failing values Azure
// would hand on to another template, are startup errors naming both.
func newRouter(fns []*Function) (*router, error) {
	rt, err := register(fns, nil)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, fn := range fns {
		if err := rt.checkFallThrough(fns, fn); err != nil {
			errs = append(errs, err)
		}
	}
	return rt, errors.Join(errs...)
}

// register makes a router of the HTTP functions but skip.
func register(fns []*Function, skip *Function) (*router, error) {
	rt := &router{mux: http.NewServeMux(), owner: map[string]*Function{}}
	for _, fn := range fns {
		if fn.Kind != KindHTTP || fn == skip {
			continue
		}
		for _, pattern := range fn.Route.patterns(fn.Methods) {
			if err := rt.handle(pattern, fn); err != nil {
				return nil, err
			}
		}
	}
	return rt, nil
}

// conflictRe finds the other pattern in the mux's conflict panic.
var conflictRe = regexp.MustCompile(`conflicts with pattern "([^"]+)"`)

// handle registers one pattern, turning the mux's panic into an error.
func (rt *router) handle(pattern string, fn *Function) (err error) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		msg := fmt.Sprint(p)
		if m := conflictRe.FindStringSubmatch(msg); m != nil && rt.owner[m[1]] != nil {
			other := rt.owner[m[1]]
			_, why, _ := strings.Cut(msg, "\n")
			err = fmt.Errorf("devhost: %s (route %q, pattern %q) and %s (route %q, pattern %q) overlap and neither is more specific, so a ServeMux, the handler's too, cannot choose: %s",
				fn.Name, fn.Route.Template, pattern, other.Name, other.Route.Template, m[1], strings.Join(strings.Fields(why), " "))
			return
		}
		err = fmt.Errorf("devhost: %s: route %q: pattern %q: %s", fn.Name, fn.Route.Template, pattern, msg)
	}()
	rt.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { w.(*lookup).found(fn, r) })
	rt.owner[pattern] = fn
	return nil
}

// checkFallThrough refuses a constrained route that another function's
// pattern also matches: on Azure a value failing the constraint goes on to
// that template, while the mux has already chosen this one.
func (rt *router) checkFallThrough(fns []*Function, fn *Function) error {
	if fn.Kind != KindHTTP || !slices.ContainsFunc(fn.Route.params, func(p routeParam) bool { return p.check != nil }) {
		return nil
	}
	others, err := register(fns, fn)
	if err != nil {
		return err // cannot happen: a subset of patterns that registered
	}
	methods := fn.Methods
	if len(methods) == 0 {
		methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	}
	for _, path := range fn.Route.paths {
		path = strings.TrimSuffix(path, "{$}")
		probe := wildcardRe.ReplaceAllString(path, "~")
		if probe == path { // an absent optional parameter: nothing to fail
			continue
		}
		for _, m := range methods {
			if _, pattern := others.mux.Handler(&http.Request{Method: m, URL: &url.URL{Path: probe}}); pattern != "" {
				other := others.owner[pattern]
				return fmt.Errorf("devhost: %s: route %q: a value failing its constraint would go on to %s (route %q) on Azure, which a ServeMux cannot do; drop the constraint or change a template",
					fn.Name, fn.Route.Template, other.Name, other.Route.Template)
			}
		}
	}
	return nil
}

// wildcardRe finds a pattern's wildcards; checkFallThrough puts "~" in their
// place, a value failing every constraint above and no template's literal.
var wildcardRe = regexp.MustCompile(`\{[^}]*\}`)

// match finds the function for method and URL: a request path's trailing
// slashes do not count, as on Azure. A path no pattern matches is 404; one
// that patterns match with other methods only is 405. Like the handler's
// mux, literals are case-sensitive and unclean paths ("//", "..") are not
// routed (404).
func (rt *router) match(method string, u *url.URL) (*Function, map[string]string, int) {
	trim := func(p string) string {
		if p = strings.TrimRight(p, "/"); p == "" {
			return "/"
		}
		return p
	}
	req := &http.Request{Method: method, URL: &url.URL{Path: trim(u.Path)}}
	if u.RawPath != "" {
		req.URL.RawPath = trim(u.RawPath)
	}
	l := &lookup{header: http.Header{}}
	rt.mux.ServeHTTP(l, req)
	switch {
	case l.fn != nil:
		return l.fn, l.params, 0
	case l.status == http.StatusMethodNotAllowed:
		return nil, nil, http.StatusMethodNotAllowed
	default: // 404, or a redirect to the cleaned path
		return nil, nil, http.StatusNotFound
	}
}

// lookup is the ResponseWriter the router serves its mux into: a matched
// pattern's handler records its function there; otherwise the status the
// mux wrote (404, 405 or a redirect) stays.
type lookup struct {
	fn     *Function
	params map[string]string
	status int
	header http.Header
}

func (l *lookup) Header() http.Header         { return l.header }
func (l *lookup) Write(b []byte) (int, error) { return len(b), nil }
func (l *lookup) WriteHeader(code int) {
	if l.status == 0 {
		l.status = code
	}
}

// found is a pattern's handler: it checks what the mux cannot (the method
// list, since a GET pattern also matches HEAD, and the constraints) and
// records the function with its route parameters.
func (l *lookup) found(fn *Function, r *http.Request) {
	if len(fn.Methods) > 0 && !slices.Contains(fn.Methods, r.Method) {
		l.status = http.StatusMethodNotAllowed
		return
	}
	params := map[string]string{}
	for _, p := range fn.Route.params {
		v := r.PathValue(p.name)
		if v == "" { // an absent optional or catch-all parameter
			continue
		}
		if p.check != nil && !p.check(v) {
			l.status = http.StatusNotFound
			return
		}
		params[p.name] = v
	}
	l.fn, l.params = fn, params
}
