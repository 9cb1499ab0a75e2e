// Package devhost is a small local Azure Functions host for our three
// trigger kinds (HTTP, Service Bus queue, timer). Core Tools cannot be
// installed here and there is no Service Bus emulator without Docker, so
// `handler devhost` runs the app the way Azure does: it reads host.json and
// functions/*/function.json, starts the custom handler, forwards HTTP
// requests, fires NCRONTAB timers and delivers queue messages from the local
// broker (Redis Streams) with peek-lock semantics, encoding every invocation
// exactly as the real host does.
package devhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// HostConfig is the part of host.json the host honours.
type HostConfig struct {
	RoutePrefix        string
	FunctionTimeout    time.Duration
	MaxConcurrentCalls int
	Forwarding         bool
	Executable         string
}

// Function is one functions/<Name>/function.json.
type Function struct {
	Name         string
	Kind         string // http, timer, queue
	Binding      string // the trigger binding's name (Data key)
	AuthLevel    string // http: anonymous, function, admin
	Methods      []string
	Route        *Route
	Schedule     cron.Schedule
	Spec         string // timer schedule as written
	RunOnStartup bool
	Queue        string
}

// App is a script root: host.json plus its functions.
type App struct {
	Root      string
	Host      HostConfig
	Functions []*Function
}

// Function kinds.
const (
	KindHTTP  = "http"
	KindTimer = "timer"
	KindQueue = "queue"
)

// cronParser reads Azure's 6-field NCRONTAB: second minute hour day month weekday.
var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// ParseSchedule parses a 6-field NCRONTAB expression (always UTC here).
func ParseSchedule(spec string) (cron.Schedule, error) {
	if n := len(strings.Fields(spec)); n != 6 {
		return nil, fmt.Errorf("schedule %q has %d fields, NCRONTAB needs 6 (second minute hour day month weekday)", spec, n)
	}
	return cronParser.Parse(spec)
}

// Load reads a script root.
func Load(root string) (*App, error) {
	app := &App{Root: root}
	if err := app.loadHost(filepath.Join(root, "host.json")); err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(root, "functions", "*", "function.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		// A staged root has the function folders at its top.
		paths, _ = filepath.Glob(filepath.Join(root, "*", "function.json"))
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("devhost: no function.json under %s", root)
	}
	sort.Strings(paths)
	var errs []error
	for _, p := range paths {
		fn, err := loadFunction(p, app.Host.RoutePrefix)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		app.Functions = append(app.Functions, fn)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return app, nil
}

// Function returns the named function.
func (a *App) Function(name string) (*Function, bool) {
	for _, f := range a.Functions {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return nil, false
}

func (a *App) loadHost(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("devhost: %w", err)
	}
	var h struct {
		FunctionTimeout string `json:"functionTimeout"`
		CustomHandler   struct {
			Description struct {
				DefaultExecutablePath string `json:"defaultExecutablePath"`
			} `json:"description"`
			EnableForwardingHTTPRequest bool `json:"enableForwardingHttpRequest"`
		} `json:"customHandler"`
		Extensions struct {
			HTTP struct {
				RoutePrefix *string `json:"routePrefix"`
			} `json:"http"`
			ServiceBus struct {
				MaxConcurrentCalls int `json:"maxConcurrentCalls"`
			} `json:"serviceBus"`
		} `json:"extensions"`
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return fmt.Errorf("devhost: %s: %w", path, err)
	}
	a.Host = HostConfig{
		RoutePrefix:        "api",
		FunctionTimeout:    5 * time.Minute,
		MaxConcurrentCalls: 16,
		Forwarding:         h.CustomHandler.EnableForwardingHTTPRequest,
		Executable:         h.CustomHandler.Description.DefaultExecutablePath,
	}
	if p := h.Extensions.HTTP.RoutePrefix; p != nil {
		a.Host.RoutePrefix = strings.Trim(*p, "/")
	}
	if h.FunctionTimeout != "" {
		d, err := parseTimeSpan(h.FunctionTimeout)
		if err != nil {
			return fmt.Errorf("devhost: host.json functionTimeout: %w", err)
		}
		a.Host.FunctionTimeout = d
	}
	if n := h.Extensions.ServiceBus.MaxConcurrentCalls; n > 0 {
		a.Host.MaxConcurrentCalls = n
	}
	return nil
}

// parseTimeSpan reads a .NET TimeSpan as host.json writes it: [d.]hh:mm:ss[.fff].
func parseTimeSpan(s string) (time.Duration, error) {
	var days time.Duration
	if d, rest, ok := strings.Cut(s, "."); ok && strings.Count(s, ":") == 2 && !strings.Contains(d, ":") {
		n, err := strconv.Atoi(d)
		if err != nil {
			return 0, fmt.Errorf("bad time span %q", s)
		}
		days, s = time.Duration(n)*24*time.Hour, rest
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("bad time span %q (want hh:mm:ss)", s)
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	sec, err3 := strconv.ParseFloat(parts[2], 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, fmt.Errorf("bad time span %q", s)
	}
	return days + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second)), nil
}

type bindingDoc struct {
	Type         string   `json:"type"`
	Direction    string   `json:"direction"`
	Name         string   `json:"name"`
	AuthLevel    string   `json:"authLevel"`
	Methods      []string `json:"methods"`
	Route        *string  `json:"route"`
	Schedule     string   `json:"schedule"`
	RunOnStartup bool     `json:"runOnStartup"`
	QueueName    string   `json:"queueName"`
}

func loadFunction(path, prefix string) (*Function, error) {
	name := filepath.Base(filepath.Dir(path))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Bindings []bindingDoc `json:"bindings"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("devhost: %s: %w", path, err)
	}
	fn := &Function{Name: name}
	for _, b := range doc.Bindings {
		switch b.Type {
		case "httpTrigger":
			fn.Kind, fn.Binding = KindHTTP, b.Name
			fn.AuthLevel = strings.ToLower(b.AuthLevel)
			if fn.AuthLevel == "" {
				fn.AuthLevel = "function"
			}
			for _, m := range b.Methods {
				fn.Methods = append(fn.Methods, strings.ToUpper(m))
			}
			tmpl := name
			if b.Route != nil {
				tmpl = *b.Route
			}
			if fn.Route, err = ParseRoute(prefix, tmpl); err != nil {
				return nil, fmt.Errorf("devhost: %s: %w", name, err)
			}
		case "timerTrigger":
			fn.Kind, fn.Binding, fn.Spec, fn.RunOnStartup = KindTimer, b.Name, b.Schedule, b.RunOnStartup
			if fn.Schedule, err = ParseSchedule(b.Schedule); err != nil {
				return nil, fmt.Errorf("devhost: %s: %w", name, err)
			}
		case "serviceBusTrigger":
			fn.Kind, fn.Binding, fn.Queue = KindQueue, b.Name, b.QueueName
			if fn.Queue == "" {
				return nil, fmt.Errorf("devhost: %s: serviceBusTrigger without queueName", name)
			}
		case "http":
		default:
			return nil, fmt.Errorf("devhost: %s: binding type %q is not supported by the local host", name, b.Type)
		}
	}
	if fn.Kind == "" {
		return nil, fmt.Errorf("devhost: %s: no trigger binding", name)
	}
	return fn, nil
}
