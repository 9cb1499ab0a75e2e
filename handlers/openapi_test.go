package handlers

import (
	"encoding"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/analytics"
	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/health"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/user"
)

// openAPIFile is the machine-readable contract the web app's TypeScript
// types are generated from; if it drifts from the route table, a page
// breaks at run time instead of the build failing, so it is checked here.
const openAPIFile = "../docs/openapi.yaml"

// apiSpec is the part of an OpenAPI 3.1 document the checks read.
type apiSpec struct {
	OpenAPI string `yaml:"openapi"`
	Info    struct {
		Title   string `yaml:"title"`
		Version string `yaml:"version"`
	} `yaml:"info"`
	Servers []struct {
		URL string `yaml:"url"`
	} `yaml:"servers"`
	Paths      map[string]apiPathItem `yaml:"paths"`
	Components struct {
		Parameters map[string]apiParam `yaml:"parameters"`
	} `yaml:"components"`
}

type apiPathItem struct {
	Parameters []apiParam    `yaml:"parameters"`
	Get        *apiOperation `yaml:"get"`
	Put        *apiOperation `yaml:"put"`
	Post       *apiOperation `yaml:"post"`
	Delete     *apiOperation `yaml:"delete"`
	Options    *apiOperation `yaml:"options"`
	Head       *apiOperation `yaml:"head"`
	Patch      *apiOperation `yaml:"patch"`
	Trace      *apiOperation `yaml:"trace"`
}

// operations lists the item's operations by lower-case method.
func (p apiPathItem) operations() map[string]*apiOperation {
	all := map[string]*apiOperation{"get": p.Get, "put": p.Put, "post": p.Post, "delete": p.Delete,
		"options": p.Options, "head": p.Head, "patch": p.Patch, "trace": p.Trace}
	for m, op := range all {
		if op == nil {
			delete(all, m)
		}
	}
	return all
}

type apiOperation struct {
	OperationID string         `yaml:"operationId"`
	Parameters  []apiParam     `yaml:"parameters"`
	Responses   map[string]any `yaml:"responses"`
}

type apiParam struct {
	Ref      string `yaml:"$ref"`
	Name     string `yaml:"name"`
	In       string `yaml:"in"`
	Required bool   `yaml:"required"`
}

var pathParam = regexp.MustCompile(`\{([^}]*)\}`)

// templateParams lists the {names} of a path template, in order (a Go
// pattern's trailing "..." dropped).
func templateParams(path string) []string {
	var names []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		names = append(names, strings.TrimSuffix(m[1], "..."))
	}
	return names
}

// pathShape is the path with every parameter's name blanked, so two paths
// that differ only in a parameter's name have the same shape.
func pathShape(path string) string { return pathParam.ReplaceAllString(path, "{}") }

// checkOpenAPI compares an OpenAPI document with the route table and
// returns every disagreement, so one run shows them all: each HTTP
// function has exactly one operation named after it (operationId), with
// the same method and path; no operation lacks a route; every operation
// declares a 2xx answer and every path parameter of its template; every
// $ref points at something.
func checkOpenAPI(data []byte, fns []Function) []string {
	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }

	var spec apiSpec
	if err := yaml.Unmarshal(data, &spec); err != nil {
		return []string{"not an OpenAPI document: " + err.Error()}
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return []string{"not YAML: " + err.Error()}
	}

	// The document's frame.
	if !strings.HasPrefix(spec.OpenAPI, "3.1.") {
		failf("openapi is %q, want 3.1.x", spec.OpenAPI)
	}
	if spec.Info.Title == "" || spec.Info.Version == "" {
		failf("info needs a title and a version")
	}
	if len(spec.Servers) != 1 || spec.Servers[0].URL != RoutePrefix {
		failf("servers must be exactly [{url: %s}], the prefix routes are relative to", RoutePrefix)
	}
	if len(spec.Paths) == 0 {
		failf("paths is empty")
	}

	// A key with a space and no value is text cut at a comma: in a flow
	// mapping ({type: string, description: a, b}) an unquoted comma ends
	// the value, and the generated types would carry a property "b".
	for _, at := range strayKeys(tree, "#") {
		failf("stray key %s: quote the text with the comma", at)
	}

	// Every $ref resolves.
	for _, r := range collectRefs(tree, "#") {
		if !resolves(tree, r.ref) {
			failf("$ref %q at %s does not resolve", r.ref, r.at)
		}
	}

	// The operations, by operationId.
	type documented struct {
		method, path string
		op           *apiOperation
		item         apiPathItem
	}
	byID := map[string][]documented{}
	for path, item := range spec.Paths {
		if !strings.HasPrefix(path, "/") {
			failf("path %q must start with /", path)
		}
		for method, op := range item.operations() {
			where := strings.ToUpper(method) + " " + path
			if op.OperationID == "" {
				failf("%s: no operationId", where)
				continue
			}
			byID[op.OperationID] = append(byID[op.OperationID], documented{method, path, op, item})
		}
	}

	// Both directions: every HTTP function documented once and alike, every
	// operation routed.
	routed := map[string]bool{}
	for _, f := range fns {
		if f.Trigger != TriggerHTTP {
			continue
		}
		routed[f.Name] = true
		method, path := strings.ToLower(f.Method), "/"+f.Route
		docs := byID[f.Name]
		switch {
		case len(docs) == 0:
			failf("%s (%s %s): no operation with this operationId", f.Name, f.Method, path)
			continue
		case len(docs) > 1:
			failf("%s: %d operations share this operationId", f.Name, len(docs))
			continue
		}
		d := docs[0]
		if d.method != method {
			failf("%s: documented as %s, routed as %s", f.Name, strings.ToUpper(d.method), f.Method)
		}
		switch {
		case d.path == path:
		case pathShape(d.path) == pathShape(path):
			failf("%s: path parameters differ: documented %s, routed %s", f.Name, d.path, path)
		default:
			failf("%s: documented at %s, routed at %s", f.Name, d.path, path)
		}
	}
	for id, docs := range byID {
		if !routed[id] {
			for _, d := range docs {
				failf("%s (%s %s): no function of this name in the route table", id, strings.ToUpper(d.method), d.path)
			}
		}
	}

	// Each operation on its own: a 2xx answer, and its path parameters
	// declared exactly.
	for id, docs := range byID {
		for _, d := range docs {
			has2xx := false
			for code := range d.op.Responses {
				if n, err := strconv.Atoi(code); (err == nil && n >= 200 && n <= 299) || code == "2XX" {
					has2xx = true
				}
			}
			if !has2xx {
				failf("%s: declares no 2xx response", id)
			}
			declared := map[string]bool{}
			params := append(slices.Clone(d.item.Parameters), d.op.Parameters...)
			for _, p := range params {
				if p.Ref != "" {
					name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/")
					c, found := spec.Components.Parameters[name]
					if !ok || !found {
						continue // reported with the other $refs, or not a parameter of ours
					}
					p = c
				}
				if p.In != "path" {
					continue
				}
				declared[p.Name] = true
				if !p.Required {
					failf("%s: path parameter %q must be required", id, p.Name)
				}
			}
			inTemplate := map[string]bool{}
			for _, name := range templateParams(d.path) {
				inTemplate[name] = true
				if !declared[name] {
					failf("%s: path parameter {%s} of %s is not declared", id, name, d.path)
				}
			}
			for name := range declared {
				if !inTemplate[name] {
					failf("%s: declares path parameter %q, which %s does not have", id, name, d.path)
				}
			}
		}
	}
	slices.Sort(fails)
	return fails
}

type refAt struct{ ref, at string }

// collectRefs finds every $ref in the document, with where it is.
func collectRefs(node any, at string) []refAt {
	var out []refAt
	switch n := node.(type) {
	case map[string]any:
		if r, ok := n["$ref"].(string); ok {
			out = append(out, refAt{r, at})
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, collectRefs(n[k], at+"/"+k)...)
		}
	case []any:
		for i, v := range n {
			out = append(out, collectRefs(v, at+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

// strayKeys finds keys with a space and no value.
func strayKeys(node any, at string) []string {
	var out []string
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if v == nil && strings.Contains(k, " ") {
				out = append(out, at+"/"+k)
			}
			out = append(out, strayKeys(v, at+"/"+k)...)
		}
	case []any:
		for i, v := range n {
			out = append(out, strayKeys(v, at+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

// resolves reports whether ref, a JSON pointer into this document
// ("#/components/schemas/Problem"), names a node. References to other
// files are refused: the document must stand on its own.
func resolves(root any, ref string) bool {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return false
	}
	node := root
	if ptr == "" {
		return true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return false
			}
			node = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return false
			}
			node = n[i]
		default:
			return false
		}
	}
	return true
}

func readOpenAPI(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatalf("read %s: %v", openAPIFile, err)
	}
	return data
}

// TestOpenAPIMatchesRoutes: docs/openapi.yaml describes exactly the HTTP
// functions of the route table.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	fails := checkOpenAPI(readOpenAPI(t), New(&app.App{}).Functions())
	if len(fails) > 0 {
		t.Errorf("%s disagrees with the route table in %d places:\n  %s", openAPIFile, len(fails), strings.Join(fails, "\n  "))
	}
}

// TestOpenAPICheckCatchesDrift: each kind of drift, made on a copy of the
// document, is reported, so the check above cannot pass by seeing nothing.
func TestOpenAPICheckCatchesDrift(t *testing.T) {
	t.Parallel()
	data := readOpenAPI(t)
	fns := New(&app.App{}).Functions()
	baseline := map[string]bool{}
	for _, f := range checkOpenAPI(data, fns) {
		baseline[f] = true
	}
	paths := func(doc map[string]any) map[string]any { return doc["paths"].(map[string]any) }
	// item panics, failing the subtest, when the document lost the path a
	// case changes.
	item := func(doc map[string]any, path string) map[string]any { return paths(doc)[path].(map[string]any) }
	cases := []struct {
		name   string
		edit   func(text string) string // on the text, or
		change func(doc map[string]any) // on the parsed document
		want   string                   // part of the new failure
	}{
		{name: "an operation removed", change: func(doc map[string]any) {
			delete(item(doc, "/events/{eventId}/participate"), "post")
		}, want: "ParticipationSubmit (POST /events/{eventId}/participate): no operation"},
		{name: "an operation without a route", change: func(doc map[string]any) {
			paths(doc)["/events/{eventId}/teleport"] = map[string]any{"post": map[string]any{
				"operationId": "EventTeleport",
				"parameters":  []any{map[string]any{"$ref": "#/components/parameters/EventId"}},
				"responses":   map[string]any{"204": map[string]any{"description": "gone"}},
			}}
		}, want: "EventTeleport (POST /events/{eventId}/teleport): no function of this name"},
		{name: "a path parameter renamed", change: func(doc map[string]any) {
			p := paths(doc)
			p["/events/{id}/participate"] = p["/events/{eventId}/participate"]
			delete(p, "/events/{eventId}/participate")
		}, want: "ParticipationSubmit: path parameters differ"},
		{name: "a path parameter undeclared", change: func(doc map[string]any) {
			delete(item(doc, "/jobs/{jobId}")["get"].(map[string]any), "parameters")
		}, want: "JobGet: path parameter {jobId} of /jobs/{jobId} is not declared"},
		{name: "another method", change: func(doc map[string]any) {
			it := item(doc, "/users/password")
			it["post"] = it["put"]
			delete(it, "put")
		}, want: "UserPasswordChange: documented as POST, routed as PUT"},
		{name: "no 2xx answer", change: func(doc map[string]any) {
			delete(item(doc, "/health")["get"].(map[string]any)["responses"].(map[string]any), "200")
		}, want: "Health: declares no 2xx response"},
		{name: "a dangling $ref", change: func(doc map[string]any) {
			delete(doc["components"].(map[string]any)["schemas"].(map[string]any), "Problem")
		}, want: `$ref "#/components/schemas/Problem"`},
		{name: "not 3.1", change: func(doc map[string]any) { doc["openapi"] = "3.0.3" }, want: `openapi is "3.0.3"`},
		{name: "an unquoted comma", edit: func(text string) string {
			return strings.Replace(text, "description: 'What went wrong, safe to show.'", "description: What went wrong, safe to show.", 1)
		}, want: "stray key #/components/schemas/Problem/properties/detail/safe to show."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var changed []byte
			if c.edit != nil {
				changed = []byte(c.edit(string(data)))
				if string(changed) == string(data) {
					t.Fatal("the edit changed nothing: the document no longer has the text it looks for")
				}
			} else {
				var doc map[string]any
				if err := yaml.Unmarshal(data, &doc); err != nil {
					t.Fatal(err)
				}
				c.change(doc)
				var err error
				if changed, err = yaml.Marshal(doc); err != nil {
					t.Fatal(err)
				}
			}
			var fresh []string
			for _, f := range checkOpenAPI(changed, fns) {
				if !baseline[f] {
					fresh = append(fresh, f)
				}
			}
			if !slices.ContainsFunc(fresh, func(f string) bool { return strings.Contains(f, c.want) }) {
				t.Errorf("the check missed it: want a failure containing %q, new failures:\n  %s", c.want, strings.Join(fresh, "\n  "))
			}
		})
	}
}

// schemaTypes pairs the document's response schemas (a path below
// components/schemas) with the Go types the handlers encode into them.
// A field renamed, added or dropped in Go without the document following
// would pass the route check and break the generated web types' promise.
var schemaTypes = map[string]reflect.Type{
	"Problem":      reflect.TypeFor[Problem](),
	"FieldError":   reflect.TypeFor[apperr.FieldError](),
	"HealthReport": reflect.TypeFor[health.Report](),
	"HealthReport/checks/additionalProperties": reflect.TypeFor[health.Result](),
	"Store":                    reflect.TypeFor[user.Store](),
	"Profile":                  reflect.TypeFor[user.Profile](),
	"Event":                    reflect.TypeFor[event.Event](),
	"EventSummary":             reflect.TypeFor[event.Summary](),
	"Recommendation":           reflect.TypeFor[event.Recommendation](),
	"Image":                    reflect.TypeFor[event.Image](),
	"Job":                      reflect.TypeFor[event.Job](),
	"JobAccepted":              reflect.TypeFor[jobAccepted](),
	"PublicEvent":              reflect.TypeFor[event.Public](),
	"PosterVariant":            reflect.TypeFor[event.WebPoster](),
	"ParticipationReceipt":     reflect.TypeFor[participation.Receipt](),
	"Participant":              reflect.TypeFor[participation.Participant](),
	"Winner":                   reflect.TypeFor[participation.Winner](),
	"ListedWinner":             reflect.TypeFor[participation.ListedWinner](),
	"WinnerNotification":       reflect.TypeFor[participation.Notification](),
	"NotifyReceipt":            reflect.TypeFor[participation.NotifyReceipt](),
	"ProofSummary":             reflect.TypeFor[participation.ProofSummary](),
	"Draw":                     reflect.TypeFor[participation.Draw](),
	"RankedEntry":              reflect.TypeFor[participation.Replacement](),
	"DrawProof":                reflect.TypeFor[participation.Proof](),
	"DownloadLink":             reflect.TypeFor[blob.Link](),
	"DrawEntry":                reflect.TypeFor[participation.Entry](),
	"Substitution":             reflect.TypeFor[participation.Substitution](),
	"EventResults":             reflect.TypeFor[participation.Results](),
	"ResultWinner":             reflect.TypeFor[participation.PublicWinner](),
	"ParticipantAnomalies":     reflect.TypeFor[participation.Anomalies](),
	"NetworkFlag":              reflect.TypeFor[participation.NetworkFlag](),
	"BurstFlag":                reflect.TypeFor[participation.BurstFlag](),
	"Disqualification":         reflect.TypeFor[participation.Disqualification](),
	"DistributionStatus":       reflect.TypeFor[distribution.Status](),
	"ChannelStatus":            reflect.TypeFor[distribution.ChannelStatus](),
	"RetryReceipt":             reflect.TypeFor[distribution.RetryReceipt](),
	"Figures":                  reflect.TypeFor[analytics.Figures](),
	"Dashboard":                reflect.TypeFor[analytics.Dashboard](),
	"DashboardSummary":         reflect.TypeFor[analytics.Summary](),
	"ChannelPerformance":       reflect.TypeFor[analytics.ChannelPerformance](),
	"DashboardRoi":             reflect.TypeFor[analytics.DashboardROI](),
	"ChannelsReport":           reflect.TypeFor[channelsResponse](),
	"ChannelReport":            reflect.TypeFor[analytics.ChannelReport](),
	"ChannelReport/metrics":    reflect.TypeFor[analytics.ChannelMetrics](),
	"ChannelReport/costs":      reflect.TypeFor[analytics.ChannelSpend](),
	"ChannelReport/sns":        reflect.TypeFor[analytics.SNSMetrics](),
	"ChannelReport/call":       reflect.TypeFor[analytics.CallMetrics](),
	"RoiReport":                reflect.TypeFor[analytics.ROIReport](),
	"RoiReport/investment":     reflect.TypeFor[analytics.Investment](),
	"RoiReport/revenue":        reflect.TypeFor[analytics.Revenue](),
	"RoiReport/measuredInputs": reflect.TypeFor[analytics.MeasuredInputs](),
	"RoiReport/events/items":   reflect.TypeFor[analytics.EventROI](),
	"RoiAssumptions":           reflect.TypeFor[analytics.Assumptions](),
	"Timeline":                 reflect.TypeFor[analytics.Timeline](),
	"TimelinePoint":            reflect.TypeFor[analytics.TimelinePoint](),
	"TimelinePeak":             reflect.TypeFor[analytics.Peak](),
}

// problemExtensions are the members some codes add to a Problem
// (apperr.Error.With), which its Go type does not name.
var problemExtensions = []string{"errors", "missing", "retryAfterSeconds", "currentVersion", "totalParticipants"}

// jsonField is one member a Go struct encodes to.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitempty bool
}

// jsonFields lists what encoding/json writes for a struct type, embedded
// structs flattened.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type, omitempty: slices.Contains(strings.Split(opts, ","), "omitempty")})
	}
	return out
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

// jsonKind is the JSON type a Go type encodes to, "" when it cannot tell
// (a custom encoder).
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[time.Time]() || t == reflect.TypeFor[event.Date]() || t.Implements(textMarshaler):
		return "string"
	case t.Implements(jsonMarshaler):
		return ""
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return ""
}

// schemaTypesOf reads a schema's declared types ("type: [string, 'null']"
// or "type: string"), and whether it admits null in any of the ways the
// document writes it (a null type, or a oneOf/anyOf branch of type null).
func schemaTypesOf(s map[string]any) (types []string, nullable bool) {
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if x, ok := x.(string); ok {
				types = append(types, x)
			}
		}
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		branches, _ := s[key].([]any)
		for _, b := range branches {
			if b, ok := b.(map[string]any); ok && b["type"] == "null" {
				nullable = true
			}
		}
	}
	if slices.Contains(types, "null") {
		nullable = true
		types = slices.DeleteFunc(types, func(x string) bool { return x == "null" })
	}
	return types, nullable
}

// checkSchemaTypes compares each paired schema with its Go type: the same
// members, required exactly when Go always writes them, nullable where Go
// writes null, and of the JSON type Go writes.
func checkSchemaTypes(data []byte, pairs map[string]reflect.Type) []string {
	var fails []string
	failf := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []string{"not YAML: " + err.Error()}
	}
	components, _ := doc["components"].(map[string]any)
	var schemas any = components["schemas"]
	for where, goType := range pairs {
		var node any = schemas
		for _, step := range strings.Split(where, "/") {
			m, _ := node.(map[string]any)
			if props, ok := m["properties"].(map[string]any); ok && props[step] != nil {
				node = props[step]
			} else {
				node = m[step]
			}
		}
		schema, ok := node.(map[string]any)
		if !ok {
			failf("%s: no such schema (for %s)", where, goType)
			continue
		}
		props, _ := schema["properties"].(map[string]any)
		var required []string
		if r, ok := schema["required"].([]any); ok {
			for _, x := range r {
				required = append(required, fmt.Sprint(x))
			}
		}
		seen := map[string]bool{}
		for _, f := range jsonFields(goType) {
			seen[f.name] = true
			p, ok := props[f.name].(map[string]any)
			if !ok {
				failf("%s: no property %q, which %s writes", where, f.name, goType)
				continue
			}
			if req := slices.Contains(required, f.name); req == f.omitempty {
				if f.omitempty {
					failf("%s.%s: required, but %s omits it when empty", where, f.name, goType)
				} else {
					failf("%s.%s: not required, but %s always writes it", where, f.name, goType)
				}
			}
			types, nullable := schemaTypesOf(p)
			if f.typ.Kind() == reflect.Pointer && !f.omitempty && !nullable {
				failf("%s.%s: not nullable, but %s writes null for it", where, f.name, goType)
			}
			if want := jsonKind(f.typ); want != "" && len(types) > 0 && !slices.Contains(types, want) {
				failf("%s.%s: type %v, but %s writes a JSON %s", where, f.name, types, goType, want)
			}
		}
		for name := range props {
			if !seen[name] && !(goType == reflect.TypeFor[Problem]() && slices.Contains(problemExtensions, name)) {
				failf("%s: property %q, which %s never writes", where, name, goType)
			}
		}
	}
	slices.Sort(fails)
	return fails
}

// TestOpenAPISchemasMatchGoTypes: the response schemas have the members,
// requiredness, nullability and JSON types of what the handlers encode.
func TestOpenAPISchemasMatchGoTypes(t *testing.T) {
	t.Parallel()
	data := readOpenAPI(t)
	if fails := checkSchemaTypes(data, schemaTypes); len(fails) > 0 {
		t.Errorf("%s disagrees with the Go types in %d places:\n  %s", openAPIFile, len(fails), strings.Join(fails, "\n  "))
	}
	// The same check on a copy with drift, so it cannot pass by seeing nothing.
	type renamed struct {
		EntryTail string `json:"entryTail"`
		Rank      int    `json:"rank"`
		Name      string `json:"name"`
		Phone     string `json:"phone"` // the document says phoneNumber
		Sub       *bool  `json:"substitute"`
	}
	fails := checkSchemaTypes(data, map[string]reflect.Type{"ResultWinner": reflect.TypeFor[renamed]()})
	for _, want := range []string{
		`ResultWinner: no property "phone"`,
		`ResultWinner: property "phoneNumber", which`,
		`ResultWinner.substitute: not nullable`,
	} {
		if !slices.ContainsFunc(fails, func(f string) bool { return strings.Contains(f, want) }) {
			t.Errorf("drift not caught: want %q among:\n  %s", want, strings.Join(fails, "\n  "))
		}
	}
}
