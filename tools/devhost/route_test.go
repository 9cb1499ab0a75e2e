package devhost

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// route is one HTTP function for a test router: its methods and template
// under the prefix api/v1.
type route struct {
	name, methods, template string
}

func newTestRouter(routes ...route) (*router, error) {
	var fns []*Function
	for _, r := range routes {
		rt, err := ParseRoute("api/v1", r.template)
		if err != nil {
			return nil, fmt.Errorf("devhost: %s: %w", r.name, err)
		}
		fns = append(fns, &Function{Name: r.name, Kind: KindHTTP, Methods: strings.Fields(r.methods), Route: rt})
	}
	return newRouter(fns)
}

type matchResult struct {
	Function string
	Params   map[string]string
	Status   int
}

func routeOf(rt *router, method, path string) matchResult {
	u, err := url.Parse(path)
	if err != nil {
		return matchResult{Status: -1}
	}
	fn, params, status := rt.match(method, u)
	if fn == nil {
		return matchResult{Status: status}
	}
	return matchResult{Function: fn.Name, Params: params, Status: http.StatusOK}
}

// Every HTTP function of the repository's script root is reached at a path
// made from its own template, with each parameter's value, and only with
// its methods.
func TestRouteRepositoryFunctions(t *testing.T) {
	t.Parallel()
	app, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := newRouter(app.Functions)
	if err != nil {
		t.Fatal(err)
	}
	var routed int
	for _, fn := range app.Functions {
		if fn.Kind != KindHTTP {
			continue
		}
		routed++
		want := matchResult{Function: fn.Name, Params: map[string]string{}, Status: http.StatusOK}
		path := regexp.MustCompile(`\{([A-Za-z]+)\}`).ReplaceAllStringFunc(fn.Route.Template, func(p string) string {
			name := strings.Trim(p, "{}")
			want.Params[name] = "v-" + name
			return "v-" + name
		})
		if strings.Contains(path, "{") {
			t.Errorf("%s: template %q has a parameter this test cannot fill", fn.Name, fn.Route.Template)
			continue
		}
		for _, m := range fn.Methods {
			if got := routeOf(rt, m, path); !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: got %+v, want %+v", m, path, got, want)
			}
		}
		if !slices.Contains(fn.Methods, http.MethodPatch) {
			// No function of ours takes PATCH: its path answers 405.
			if got, want := routeOf(rt, http.MethodPatch, path), (matchResult{Status: http.StatusMethodNotAllowed}); !reflect.DeepEqual(got, want) {
				t.Errorf("PATCH %s: got %+v, want %+v", path, got, want)
			}
		}
	}
	if routed < 40 {
		t.Errorf("routed %d HTTP functions of the repository, want all of them (50 or so)", routed)
	}

	// Where a literal and a parameter share a position, the literal wins,
	// whatever the method order; a method another template takes is its.
	tests := []struct {
		method, path string
		want         matchResult
	}{
		{"GET", "/api/v1/events/e1/participants/export", matchResult{"ParticipantExport", map[string]string{"eventId": "e1"}, 200}},
		{"GET", "/api/v1/events/e1/participants/p-7", matchResult{"ParticipantGet", map[string]string{"eventId": "e1", "participantId": "p-7"}, 200}},
		{"POST", "/api/v1/events/objectives", matchResult{"EventCreate", map[string]string{}, 200}},
		{"GET", "/api/v1/events/objectives", matchResult{"EventGet", map[string]string{"eventId": "objectives"}, 200}},
		{"PUT", "/api/v1/events/e1", matchResult{"EventUpdate", map[string]string{"eventId": "e1"}, 200}},
		{"DELETE", "/api/v1/events/e1", matchResult{"EventDelete", map[string]string{"eventId": "e1"}, 200}},
		{"POST", "/api/v1/events/e1", matchResult{Status: 405}},
		{"GET", "/api/v1/users/profile", matchResult{"UserProfileGet", map[string]string{}, 200}},
		{"PUT", "/api/v1/users/profile", matchResult{"UserProfileUpdate", map[string]string{}, 200}},
		{"GET", "/api/v1/users/u1/store", matchResult{"UserStoreGet", map[string]string{"userId": "u1"}, 200}},
		{"POST", "/api/v1/users/store/phone-verifications", matchResult{"StorePhoneVerificationStart", map[string]string{}, 200}},
		{"GET", "/api/v1/public/events/e1/draw-proof/link", matchResult{"DrawProofLink", map[string]string{"eventId": "e1"}, 200}},
		{"POST", "/api/v1/events/e1/winners/notify", matchResult{"WinnerNotifyRequest", map[string]string{"eventId": "e1"}, 200}},
		{"POST", "/api/v1/events/e1/winners/p1/disqualify", matchResult{"WinnerDisqualify", map[string]string{"eventId": "e1", "participantId": "p1"}, 200}},
		{"HEAD", "/api/v1/health", matchResult{Status: 405}}, // methods ["get"]: not HEAD, as on Azure
		{"GET", "/api/v1/health/", matchResult{"Health", map[string]string{}, 200}},
		{"GET", "/api/v1/events/e1/unknown", matchResult{Status: 404}},
		{"POST", "/RecommendationGenerate", matchResult{Status: 404}}, // queue functions have no route
	}
	for _, tt := range tests {
		if got := routeOf(rt, tt.method, tt.path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s: got %+v, want %+v", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestRouteMatch(t *testing.T) {
	t.Parallel()
	rt, err := newTestRouter(
		route{"Health", "GET", "health"},
		route{"Event", "GET PUT", "events/{eventId}"},
		route{"Participant", "GET", "events/{eventId}/participants/{participantId}"},
		route{"Export", "GET", "events/{eventId}/participants/export"},
		route{"Item", "GET", "items/{id:int}"},
		route{"Thing", "GET", "things/{id:guid}"},
		route{"Name", "GET", "names/{n:alpha}"},
		route{"Flag", "GET", "flags/{on:bool}"},
		route{"Opt", "GET", "opt/{name?}"},
		route{"Files", "GET POST", "files/{*rest}"},
		route{"Any", "", "any/{x}"},
		route{"Analytics", "GET", "users/{userId}/analytics"},
	)
	if err != nil {
		t.Fatal(err)
	}
	p := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		method, path string
		want         matchResult
	}{
		{"GET", "/api/v1/health", matchResult{"Health", p(), 200}},
		{"GET", "/api/v1/health/", matchResult{"Health", p(), 200}},
		{"GET", "/api/v1/health/x", matchResult{Status: 404}},
		{"GET", "/api/v1/HEALTH", matchResult{Status: 404}}, // case-sensitive, as the handler's mux
		{"GET", "/api/v1//health", matchResult{Status: 404}},
		{"GET", "/api/v1/x/../health", matchResult{Status: 404}},
		{"HEAD", "/api/v1/health", matchResult{Status: 405}},
		{"POST", "/api/v1/health", matchResult{Status: 405}},
		{"GET", "/api/v1/events/abc", matchResult{"Event", p("eventId", "abc"), 200}},
		{"PUT", "/api/v1/events/abc", matchResult{"Event", p("eventId", "abc"), 200}},
		{"DELETE", "/api/v1/events/abc", matchResult{Status: 405}},
		{"GET", "/api/v1/events", matchResult{Status: 404}},
		{"GET", "/api/v1/events/", matchResult{Status: 404}},
		{"GET", "/api/v1/events/e1/participants/20261122-000001", matchResult{"Participant", p("eventId", "e1", "participantId", "20261122-000001"), 200}},
		{"GET", "/api/v1/events/e1/participants/export", matchResult{"Export", p("eventId", "e1"), 200}},
		{"GET", "/api/v1/items/42", matchResult{"Item", p("id", "42"), 200}},
		{"GET", "/api/v1/items/4x", matchResult{Status: 404}},
		{"POST", "/api/v1/items/42", matchResult{Status: 405}},
		{"GET", "/api/v1/things/5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11", matchResult{"Thing", p("id", "5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11"), 200}},
		{"GET", "/api/v1/things/nope", matchResult{Status: 404}},
		{"GET", "/api/v1/names/abc", matchResult{"Name", p("n", "abc"), 200}},
		{"GET", "/api/v1/names/ab1", matchResult{Status: 404}},
		{"GET", "/api/v1/flags/TRUE", matchResult{"Flag", p("on", "TRUE"), 200}},
		{"GET", "/api/v1/flags/yes", matchResult{Status: 404}},
		{"GET", "/api/v1/opt", matchResult{"Opt", p(), 200}},
		{"GET", "/api/v1/opt/", matchResult{"Opt", p(), 200}},
		{"GET", "/api/v1/opt/x", matchResult{"Opt", p("name", "x"), 200}},
		{"GET", "/api/v1/opt/x/y", matchResult{Status: 404}},
		{"GET", "/api/v1/files/a/b/c.png", matchResult{"Files", p("rest", "a/b/c.png"), 200}},
		{"POST", "/api/v1/files/x", matchResult{"Files", p("rest", "x"), 200}},
		{"DELETE", "/api/v1/files/x", matchResult{Status: 405}},
		{"GET", "/api/v1/files", matchResult{"Files", p(), 200}},
		{"PATCH", "/api/v1/any/1", matchResult{"Any", p("x", "1"), 200}}, // no methods: every method
		{"GET", "/api/v1/users/u%201/analytics", matchResult{"Analytics", p("userId", "u 1"), 200}},
		{"GET", "/api/v1/users/a%2Fb/analytics", matchResult{"Analytics", p("userId", "a/b"), 200}},
		{"GET", "/api/v2/health", matchResult{Status: 404}},
		{"GET", "/", matchResult{Status: 404}},
	}
	for _, tt := range tests {
		if got := routeOf(rt, tt.method, tt.path); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s: got %+v, want %+v", tt.method, tt.path, got, tt.want)
		}
	}
}

// A template a ServeMux cannot express, or a set of them it cannot choose
// between, stops the host at start with the function and template named.
func TestRouteRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		routes []route
		want   string // the whole error; ending in "…", how it starts (the mux's own explanation follows)
	}{
		{"catch-all in the middle", []route{{"F", "GET", "a/{*rest}/b"}},
			`devhost: F: route "a/{*rest}/b": {*rest} must be the last segment: a ServeMux pattern has no optional or catch-all segment in the middle`},
		{"optional in the middle", []route{{"F", "GET", "a/{x?}/b"}},
			`devhost: F: route "a/{x?}/b": {x?} must be the last segment: a ServeMux pattern has no optional or catch-all segment in the middle`},
		{"text around a parameter", []route{{"F", "GET", "a/b{x}c"}},
			`devhost: F: route "a/b{x}c": segment "b{x}c": a ServeMux pattern takes a literal or one whole-segment {parameter} (no default values, no text around it)`},
		{"two parameters in a segment", []route{{"F", "GET", "a/{x}.{y}"}},
			`devhost: F: route "a/{x}.{y}": segment "{x}.{y}": a ServeMux pattern takes a literal or one whole-segment {parameter} (no default values, no text around it)`},
		{"default value", []route{{"F", "GET", "a/{x=1}"}},
			`devhost: F: route "a/{x=1}": segment "{x=1}": a ServeMux pattern takes a literal or one whole-segment {parameter} (no default values, no text around it)`},
		{"unknown constraint", []route{{"F", "GET", "a/{x:nosuch}"}},
			`devhost: F: route "a/{x:nosuch}": constraint {x:nosuch}: the local host checks only int, long, bool, guid and alpha`},
		{"constraint with an argument", []route{{"F", "GET", "a/{x:range(1,10)}"}},
			`devhost: F: route "a/{x:range(1,10)}": constraint {x:range(1,10)}: the local host checks only int, long, bool, guid and alpha`},
		{"two constraints", []route{{"F", "GET", "a/{x:int:min(1)}"}},
			`devhost: F: route "a/{x:int:min(1)}": constraint {x:int:min(1)}: the local host checks only int, long, bool, guid and alpha`},
		{"parameter twice", []route{{"F", "GET", "a/{x}/b/{X}"}},
			`devhost: F: route "a/{x}/b/{X}": parameter {X} appears twice`},
		{"empty segment", []route{{"F", "GET", "a//b"}},
			`devhost: F: route "a//b": empty segment`},
		{"optional catch-all", []route{{"F", "GET", "a/{*x?}"}},
			`devhost: F: route "a/{*x?}": {*x?}: a catch-all is optional already`},
		{"same template and method", []route{{"A", "GET", "events/{eventId}"}, {"B", "GET POST", "events/{id}"}},
			`devhost: B (route "/api/v1/events/{id}", pattern "GET /api/v1/events/{id}") and A (route "/api/v1/events/{eventId}", pattern "GET /api/v1/events/{eventId}") overlap and neither is more specific, so a ServeMux, the handler's too, cannot choose: GET /api/v1/events/{id} matches the same requests as GET /api/v1/events/{eventId}…`},
		{"crossed literals", []route{{"A", "GET", "a/{x}/c"}, {"B", "GET", "a/b/{y}"}},
			`devhost: B (route "/api/v1/a/b/{y}", pattern "GET /api/v1/a/b/{y}") and A (route "/api/v1/a/{x}/c", pattern "GET /api/v1/a/{x}/c") overlap and neither is more specific, so a ServeMux, the handler's too, cannot choose: ` +
				`GET /api/v1/a/b/{y} and GET /api/v1/a/{x}/c both match some paths, like "/api/v1/a/b/c"…`},
		{"a constraint Azure would fall through", []route{{"Item", "GET", "items/{id:int}"}, {"Rest", "GET", "items/{*rest}"}},
			`devhost: Item: route "/api/v1/items/{id:int}": a value failing its constraint would go on to Rest (route "/api/v1/items/{*rest}") on Azure, which a ServeMux cannot do; drop the constraint or change a template`},
	}
	for _, tt := range tests {
		_, err := newTestRouter(tt.routes...)
		got := fmt.Sprint(err)
		if want, prefix := strings.CutSuffix(tt.want, "…"); got != want && !(prefix && strings.HasPrefix(got, want)) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	// A literal beside a constrained parameter is not a fall-through: the
	// mux prefers the literal, as Azure does.
	if _, err := newTestRouter(route{"Item", "GET", "items/{id:int}"}, route{"Export", "GET", "items/export"}, route{"Other", "POST", "items/{name}"}); err != nil {
		t.Errorf("literal beside a constrained parameter: %v", err)
	}
}

func TestParseScheduleAndTimeSpan(t *testing.T) {
	t.Parallel()
	s, err := ParseSchedule("0 */5 * * * *")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 22, 3, 11, 7, 0, time.UTC)
	if got := s.Next(from); !got.Equal(time.Date(2026, 11, 22, 3, 15, 0, 0, time.UTC)) {
		t.Errorf("next %v", got)
	}
	if _, err := ParseSchedule("*/5 * * * *"); err == nil {
		t.Error("5-field cron accepted")
	}
	for in, want := range map[string]time.Duration{"00:05:00": 5 * time.Minute, "01:00:00.5": time.Hour + 500*time.Millisecond, "1.02:00:00": 26 * time.Hour} {
		if got, err := parseTimeSpan(in); err != nil || got != want {
			t.Errorf("%s: got %v %v, want %v", in, got, err, want)
		}
	}
}

// The repository's own script root loads: every function.json is one the
// local host can run.
func TestLoadRepositoryRoot(t *testing.T) {
	t.Parallel()
	app, err := Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	if app.Host.RoutePrefix != "api/v1" || !app.Host.Forwarding || app.Host.FunctionTimeout != 5*time.Minute || app.Host.MaxConcurrentCalls != 16 {
		t.Errorf("host config %+v", app.Host)
	}
	if fn, ok := app.Function("Health"); !ok || fn.Kind != KindHTTP || fn.Route.Template != "/api/v1/health" {
		t.Errorf("Health: %+v", fn)
	}
}
