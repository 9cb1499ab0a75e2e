package devhost

import (
	"reflect"
	"testing"
	"time"
)

func TestRouteMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		template string
		path     string
		ok       bool
		params   map[string]string
	}{
		{"health", "/api/v1/health", true, map[string]string{}},
		{"health", "/api/v1/HEALTH", true, map[string]string{}},
		{"health", "/api/v1/health/x", false, nil},
		{"events/{eventId}", "/api/v1/events/abc", true, map[string]string{"eventId": "abc"}},
		{"events/{eventId}", "/api/v1/events", false, nil},
		{"events/{eventId}/participants/{participantId}", "/api/v1/events/e1/participants/20261122-000001", true, map[string]string{"eventId": "e1", "participantId": "20261122-000001"}},
		{"items/{id:int}", "/api/v1/items/42", true, map[string]string{"id": "42"}},
		{"items/{id:int}", "/api/v1/items/4x", false, nil},
		{"items/{id:guid}", "/api/v1/items/5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11", true, map[string]string{"id": "5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11"}},
		{"items/{id:guid}", "/api/v1/items/nope", false, nil},
		{"items/{id:int:range(1,10)}", "/api/v1/items/11", false, nil},
		{"items/{id:int:range(1,10)}", "/api/v1/items/7", true, map[string]string{"id": "7"}},
		{"names/{n:minlength(3)}", "/api/v1/names/ab", false, nil},
		{"names/{n:alpha}", "/api/v1/names/abc", true, map[string]string{"n": "abc"}},
		{"names/{n:regex(^k[0-9]+$)}", "/api/v1/names/k12", true, map[string]string{"n": "k12"}},
		{"opt/{name?}", "/api/v1/opt", true, map[string]string{}},
		{"opt/{name?}", "/api/v1/opt/x", true, map[string]string{"name": "x"}},
		{"files/{*rest}", "/api/v1/files/a/b/c.png", true, map[string]string{"rest": "a/b/c.png"}},
		{"files/{*rest}", "/api/v1/files", true, map[string]string{}},
		{"users/{userId}/analytics", "/api/v1/users/u%201/analytics", true, map[string]string{"userId": "u 1"}},
	}
	for _, tt := range tests {
		r, err := ParseRoute("api/v1", tt.template)
		if err != nil {
			t.Fatalf("%s: %v", tt.template, err)
		}
		got, ok := r.Match(tt.path)
		if ok != tt.ok || (ok && !reflect.DeepEqual(got, tt.params)) {
			t.Errorf("%s ~ %s: got %v %v, want %v %v", tt.template, tt.path, got, ok, tt.params, tt.ok)
		}
	}
}

func TestRouteErrors(t *testing.T) {
	t.Parallel()
	for _, tmpl := range []string{"a/{*rest}/b", "a/{x?}/b", "a/{x:nosuch}", "a/b{x}", "a/{x:range(1)}"} {
		if _, err := ParseRoute("api", tmpl); err == nil {
			t.Errorf("%s: accepted", tmpl)
		}
	}
}

// Literal segments win over parameters, whatever the file order.
func TestRoutePrecedence(t *testing.T) {
	t.Parallel()
	lit, _ := ParseRoute("api", "events/export")
	param, _ := ParseRoute("api", "events/{id}")
	constrained, _ := ParseRoute("api", "events/{id:int}")
	catchAll, _ := ParseRoute("api", "events/{*rest}")
	if !lit.before(param) || !constrained.before(param) || !param.before(catchAll) || param.before(lit) {
		t.Error("precedence order wrong")
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
