package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/eventmkt/backend/tools/devhost"
)

// InfraCheck says where the pieces that must agree live, relative to a
// repository root.
type InfraCheck struct {
	Root        string   // repository root
	Settings    []string // every setting the app reads (config.Names)
	BicepDir    string   // infra/bicep
	MainBicep   string   // declares `var appSettings = { ... }`
	QueuesBicep string   // creates the queues from QueueTable
	QueueTable  string   // infra/queues.json: every queue and its settings
	ParamFiles  []string // the .bicepparam files
	// ProdParams is the production one of ParamFiles: the network checks
	// (network.go) hold it to a private data plane. Empty skips them.
	ProdParams    string
	LocalSettings string // local.settings.json.example
	// FrontDoorBicep declares the profile, the web route, the rule set and
	// the WAF; FrontDoorAPIBicep the /api/* route. Empty skips those checks.
	FrontDoorBicep    string
	FrontDoorAPIBicep string
	// PostgresBicep sets the built-in PgBouncer's parameters; the connection
	// budget (budget.go) is checked against it. Empty skips that check.
	PostgresBicep string
	// Alternatives are settings the function app may leave out because
	// another one stands for them (setting → the one that must be set).
	// A connection set the identity-based way (<name>__fullyQualifiedNamespace,
	// <name>__accountName …) needs no entry: no <name> setting at all is the
	// point, since the host would take even an empty one as a connection string.
	Alternatives map[string]string
	// SyntaxCheck runs the Bicep parser (scripts/bicep-check.mjs) over the
	// .bicep files; nil skips it.
	SyntaxCheck func(files []string) ([]string, error)
}

// DefaultInfraCheck is the layout of this repository.
func DefaultInfraCheck(root string, settings []string) InfraCheck {
	return InfraCheck{
		Root:          root,
		Settings:      settings,
		BicepDir:      "infra/bicep",
		MainBicep:     "infra/bicep/main.bicep",
		QueuesBicep:   "infra/bicep/modules/servicebus.bicep",
		QueueTable:    "infra/queues.json",
		ParamFiles:    []string{"infra/bicep/dev.bicepparam", "infra/bicep/prod.bicepparam"},
		ProdParams:    "infra/bicep/prod.bicepparam",
		LocalSettings: "local.settings.json.example",
		SyntaxCheck:   NodeBicepSyntax(root),
		Alternatives: map[string]string{
			"STORAGE_CONNECTION_STRING": "STORAGE_ACCOUNT_NAME", // keys locally, the identity on Azure
		},

		FrontDoorBicep:    "infra/bicep/modules/frontdoor.bicep",
		FrontDoorAPIBicep: "infra/bicep/modules/frontdoor-api.bicep",
		PostgresBicep:     "infra/bicep/modules/postgres.bicep",
	}
}

// Check returns every disagreement between the code and the templates:
// queues the functions listen on but the queue table does not list, a
// Service Bus Bicep that does not take every queue setting from that table
// (queues.go), settings the app reads but the function app or
// local.settings.json.example does not set, timer schedules that are not 6-field NCRONTAB, parameter files
// that set unknown or miss required parameters, module paths that do not
// exist, Bicep syntax errors, an edge (Front Door, its rewrites and
// headers, the WAF) that differs from the or the devhost's
// (frontdoor.go), empty app settings, and a function app that does not run
// as a user-assigned identity holding its roles before it starts
// (identity.go).
func (c InfraCheck) Check() []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(c.Root, rel))
		if err != nil {
			add("%s: %v", rel, err)
		}
		return string(b)
	}

	// Functions: queues and timer schedules.
	queues, timers, connections, err := functionTriggers(filepath.Join(c.Root, "functions"))
	if err != nil {
		add("functions: %v", err)
	}
	c.checkQueues(read, add, queues)
	for _, fn := range sortedKeys(timers) {
		if _, err := devhost.ParseSchedule(timers[fn]); err != nil {
			add("timer functions/%s: %v", fn, err)
		}
	}

	// Settings: in the function app and in the local example.
	main := read(c.MainBicep)
	appSettings := keysIn(block(main, "var appSettings = {"))
	if len(appSettings) == 0 {
		add("%s: no `var appSettings = { ... }`", c.MainBicep)
	}
	var local struct{ Values map[string]string }
	if err := json.Unmarshal([]byte(read(c.LocalSettings)), &local); err != nil {
		add("%s: %v", c.LocalSettings, err)
	}
	values := appSettingValues(main)
	for _, s := range c.Settings {
		alt, hasAlt := c.Alternatives[s]
		switch {
		case slices.Contains(appSettings, s):
		case hasPrefixKey(values, s+"__"): // an identity-based connection
		case hasAlt && slices.Contains(appSettings, alt):
		default:
			add("setting %s is read by the app but not set in the function app's appSettings (%s)", s, c.MainBicep)
		}
		if _, ok := local.Values[s]; !ok {
			add("setting %s is read by the app but missing from %s", s, c.LocalSettings)
		}
	}
	// An empty setting is not an absent one: the host resolves a connection
	// name to an exact setting before its <name>__* form, so an empty
	// ServiceBusConnection shadows ServiceBusConnection__fullyQualifiedNamespace
	// for whoever reads it that way (the scale controller included).
	for _, k := range sortedKeys(values) {
		if values[k] == "''" {
			add("%s: app setting %s is empty: leave it out", c.MainBicep, k)
		}
	}
	if slices.Contains(appSettings, "FUNCTIONS_WORKER_RUNTIME") {
		add("%s sets FUNCTIONS_WORKER_RUNTIME, which Flex Consumption rejects", c.MainBicep)
	}

	// Parameters: files set only declared ones, and every one without a default.
	params, required := paramsOf(main)
	for _, pf := range c.ParamFiles {
		text := read(pf)
		if !regexp.MustCompile(`(?m)^using\s+'\./main\.bicep'`).MatchString(text) {
			add("%s does not start from `using './main.bicep'`", pf)
		}
		set := map[string]bool{}
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "//") || strings.HasPrefix(line, "using ") {
				continue
			}
			m := paramAssign.FindStringSubmatch(line)
			if m == nil {
				add("%s: line %q is not `param name = value`", pf, line)
				continue
			}
			set[m[1]] = true
			if !slices.Contains(params, m[1]) {
				add("%s sets %s, which main.bicep does not declare", pf, m[1])
			}
		}
		for _, p := range required {
			if !set[p] {
				add("%s does not set %s (main.bicep gives it no default)", pf, p)
			}
		}
	}

	c.checkFrontDoor(read, add)
	c.checkIdentity(read, add, append([]string{"AzureWebJobsStorage"}, sortedKeys(connections)...))
	c.checkConnectionBudget(read, add, len(queues), len(timers))
	c.checkNetwork(read, add)

	// Modules exist; the Bicep parses.
	files, _ := filepath.Glob(filepath.Join(c.Root, c.BicepDir, "*.bicep"))
	more, _ := filepath.Glob(filepath.Join(c.Root, c.BicepDir, "modules", "*.bicep"))
	files = append(files, more...)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range modulePath.FindAllStringSubmatch(string(b), -1) {
			if _, err := os.Stat(filepath.Join(filepath.Dir(f), m[1])); err != nil {
				add("%s: module %s does not exist", f, m[1])
			}
		}
	}
	if c.SyntaxCheck != nil {
		problems, err := c.SyntaxCheck(files)
		if err != nil {
			add("bicep syntax check: %v", err)
		}
		for _, p := range problems {
			add("bicep syntax: %s", strings.TrimPrefix(p, c.Root+string(filepath.Separator)))
		}
	}
	return errs
}

var (
	paramAssign = regexp.MustCompile(`^param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=`)
	paramDecl   = regexp.MustCompile(`(?m)^param\s+([A-Za-z_][A-Za-z0-9_]*)\s+[A-Za-z]+(\s*=)?`)
	modulePath  = regexp.MustCompile(`(?m)^module\s+\w+\s+'([^']+)'`)
	topKey      = regexp.MustCompile(`^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:`)
)

// paramsOf lists main.bicep's parameters and those without a default.
func paramsOf(bicep string) (all, required []string) {
	for _, m := range paramDecl.FindAllStringSubmatch(bicep, -1) {
		all = append(all, m[1])
		if m[2] == "" {
			required = append(required, m[1])
		}
	}
	return all, required
}

// block returns the text from opener to its matching close bracket.
func block(text, opener string) string {
	i := strings.Index(text, opener)
	if i < 0 {
		return ""
	}
	depth := 0
	for j := i + len(opener) - 1; j < len(text); j++ {
		switch text[j] {
		case '{', '[', '(':
			depth++
		case '}', ']', ')':
			depth--
			if depth == 0 {
				return text[i : j+1]
			}
		}
	}
	return ""
}

// keysIn lists an object literal's top-level keys, one per line.
func keysIn(b string) []string {
	var out []string
	depth := 0
	for _, line := range strings.Split(b, "\n") {
		if depth == 1 {
			if m := topKey.FindStringSubmatch(line); m != nil {
				out = append(out, m[1])
			}
		}
		depth += strings.Count(line, "{") + strings.Count(line, "[") - strings.Count(line, "}") - strings.Count(line, "]")
	}
	return out
}

// functionTriggers maps queue names, timer schedules and the triggers'
// connection names to their functions.
func functionTriggers(dir string) (queues, timers, connections map[string]string, err error) {
	queues, timers, connections = map[string]string{}, map[string]string{}, map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "function.json"))
		if err != nil {
			return nil, nil, nil, err
		}
		var fj struct {
			Bindings []struct {
				Type      string `json:"type"`
				QueueName string `json:"queueName"`
				Schedule  string `json:"schedule"`
				Conn      string `json:"connection"`
			} `json:"bindings"`
		}
		if err := json.Unmarshal(b, &fj); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		for _, bd := range fj.Bindings {
			switch bd.Type {
			case "serviceBusTrigger":
				queues[bd.QueueName] = e.Name()
				if bd.Conn != "" {
					connections[bd.Conn] = e.Name()
				}
			case "timerTrigger":
				timers[e.Name()] = bd.Schedule
			}
		}
	}
	return queues, timers, connections, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NodeBicepSyntax runs scripts/bicep-check.mjs (web-tree-sitter with the
// tree-sitter-bicep grammar, installed by `npm ci`): the Bicep compiler
// cannot be installed here, the grammar can. It reports syntax only.
func NodeBicepSyntax(root string) func(files []string) ([]string, error) {
	return func(files []string) ([]string, error) {
		if _, err := os.Stat(filepath.Join(root, "node_modules", "tree-sitter-bicep")); err != nil {
			return nil, errors.New("node_modules/tree-sitter-bicep is missing: run `npm ci` (make test does)")
		}
		args := append([]string{filepath.Join(root, "scripts", "bicep-check.mjs")}, files...)
		cmd := exec.Command("node", args...)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("node scripts/bicep-check.mjs: %w", err)
		}
		var problems []struct {
			File         string
			Line, Column int
			Problem      string
		}
		if err := json.Unmarshal(out, &problems); err != nil {
			return nil, fmt.Errorf("bicep-check output: %w", err)
		}
		var msgs []string
		for _, p := range problems {
			msgs = append(msgs, fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Problem))
		}
		return msgs, nil
	}
}
