package handlers

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eventmkt/backend/app"
)

type binding struct {
	Type       string   `json:"type"`
	Direction  string   `json:"direction"`
	Name       string   `json:"name"`
	Methods    []string `json:"methods"`
	Route      string   `json:"route"`
	AuthLevel  string   `json:"authLevel"`
	Schedule   string   `json:"schedule"`
	QueueName  string   `json:"queueName"`
	Connection string   `json:"connection"`
}

// The function folders and the handler's route table describe the same
// functions: every folder has a handler, every handler has a folder, and
// routes, methods and queues agree.
func TestFunctionFoldersMatchHandlers(t *testing.T) {
	t.Parallel()
	srv := New(&app.App{})
	byName := map[string]Function{}
	for _, f := range srv.Functions() {
		if _, dup := byName[f.Name]; dup {
			t.Errorf("function %s registered twice", f.Name)
		}
		byName[f.Name] = f
	}
	dirs, err := filepath.Glob("../functions/*/function.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no function folders (%v)", err)
	}
	seen := map[string]bool{}
	for _, path := range dirs {
		name := filepath.Base(filepath.Dir(path))
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Bindings []binding `json:"bindings"`
			}
			dec := json.NewDecoder(strings.NewReader(string(data)))
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("invalid JSON: %v", err)
			}
			fn, ok := byName[name]
			if !ok {
				t.Fatalf("folder functions/%s has no handler", name)
			}
			checkBindings(t, fn, doc.Bindings)
		})
	}
	for name := range byName {
		if !seen[name] {
			t.Errorf("handler %s has no functions/%s/function.json", name, name)
		}
	}
}

func checkBindings(t *testing.T, fn Function, bindings []binding) {
	t.Helper()
	known := []string{"httpTrigger", "http", "timerTrigger", "serviceBusTrigger"}
	var triggers []binding
	for _, b := range bindings {
		if !slices.Contains(known, b.Type) {
			t.Errorf("unknown binding type %q", b.Type)
		}
		if b.Name == "" || (b.Direction != "in" && b.Direction != "out") {
			t.Errorf("binding %+v needs a name and a direction", b)
		}
		if strings.HasSuffix(b.Type, "Trigger") {
			triggers = append(triggers, b)
		}
	}
	if len(triggers) != 1 {
		t.Fatalf("%d triggers, want exactly 1", len(triggers))
	}
	tr := triggers[0]
	switch fn.Trigger {
	case TriggerHTTP:
		// Forwarded HTTP functions have exactly the trigger and the http output.
		if tr.Type != "httpTrigger" || len(bindings) != 2 || bindings[1].Type != "http" || bindings[1].Direction != "out" {
			t.Errorf("HTTP function needs exactly httpTrigger + http out, got %+v", bindings)
		}
		if tr.Route != fn.Route {
			t.Errorf("route %q, handler serves %q", tr.Route, fn.Route)
		}
		if len(tr.Methods) != 1 || !strings.EqualFold(tr.Methods[0], fn.Method) {
			t.Errorf("methods %v, handler serves %s", tr.Methods, fn.Method)
		}
		if !slices.Contains([]string{"anonymous", "function", "admin"}, tr.AuthLevel) {
			t.Errorf("authLevel %q", tr.AuthLevel)
		}
		if tr.Name != "req" {
			t.Errorf("HTTP trigger binding must be named req (the envelope decoder reads Data.req), got %q", tr.Name)
		}
	case TriggerTimer:
		if tr.Type != "timerTrigger" || tr.Name != "timer" {
			t.Errorf("timer function needs a timerTrigger named timer, got %+v", tr)
		}
		if len(strings.Fields(tr.Schedule)) != 6 {
			t.Errorf("schedule %q is not a 6-field NCRONTAB expression", tr.Schedule)
		}
	case TriggerQueue:
		if tr.Type != "serviceBusTrigger" || tr.Name != "msg" || tr.QueueName != fn.Queue || tr.Connection != "ServiceBusConnection" {
			t.Errorf("queue function needs a serviceBusTrigger named msg on %s via ServiceBusConnection, got %+v", fn.Queue, tr)
		}
	default:
		t.Errorf("unknown trigger kind %q", fn.Trigger)
	}
}
