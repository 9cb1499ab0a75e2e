package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"

	"github.com/eventmkt/backend/shared/apperr"
)

// poisons are the three kinds of hostile text: as a Go string (for paths
// and queries) and as it appears inside a JSON string literal.
var poisons = []struct{ name, text, json string }{
	{"NUL", "a\x00b", `a\u0000b`},
	{"invalid UTF-8", "a\xffb", "a\xffb"},
	{"control character", "a\x07b", `a\u0007b`},
}

// specTree is docs/openapi.yaml as a tree, with a resolver that follows
// $ref chains to the node they name.
func specTree(t *testing.T) (map[string]any, func(any) map[string]any) {
	t.Helper()
	var root map[string]any
	if err := yaml.Unmarshal(readOpenAPI(t), &root); err != nil {
		t.Fatal(err)
	}
	return root, func(n any) map[string]any {
		m, _ := n.(map[string]any)
		for m != nil && m["$ref"] != nil {
			var cur any = root
			for _, p := range strings.Split(strings.TrimPrefix(m["$ref"].(string), "#/"), "/") {
				cur = cur.(map[string]any)[p]
			}
			m, _ = cur.(map[string]any)
		}
		return m
	}
}

// specOp is what the walk needs of one operation in docs/openapi.yaml.
type specOp struct {
	query []string // query parameter names
	body  []string // request body fields holding text: "name", "styles[0]"
}

// specOps reads every operation's query parameters and text body fields.
func specOps(t *testing.T) map[string]specOp {
	t.Helper()
	root, resolve := specTree(t)
	out := map[string]specOp{}
	for _, item := range root["paths"].(map[string]any) {
		for _, op := range item.(map[string]any) {
			o, ok := op.(map[string]any)
			if !ok || o["operationId"] == nil {
				continue
			}
			var so specOp
			params, _ := o["parameters"].([]any)
			for _, p := range params {
				if pm := resolve(p); pm["in"] == "query" {
					so.query = append(so.query, pm["name"].(string))
				}
			}
			if rb := resolve(o["requestBody"]); rb != nil {
				content, _ := rb["content"].(map[string]any)
				for _, media := range content {
					schema := resolve(media.(map[string]any)["schema"])
					props, _ := schema["properties"].(map[string]any)
					for name, p := range props {
						pm := resolve(p)
						types := fmt.Sprint(pm["type"])
						switch {
						case strings.Contains(types, "string"):
							so.body = append(so.body, name)
						case strings.Contains(types, "array") && strings.Contains(fmt.Sprint(resolve(pm["items"])["type"]), "string"):
							so.body = append(so.body, name+"[0]")
						}
					}
				}
			}
			sort.Strings(so.body)
			out[o["operationId"].(string)] = so
		}
	}
	return out
}

// poisonedBody is a JSON body whose field (a top-level name, or name[0])
// holds the poison, written byte by byte: json.Marshal would mend invalid
// UTF-8.
func poisonedBody(field, poison string) string {
	if name, ok := strings.CutSuffix(field, "[0]"); ok {
		return `{"` + name + `":["` + poison + `"]}`
	}
	return `{"` + field + `":"` + poison + `"}`
}

// Hostile text anywhere in a request (a JSON body's text field, a query
// parameter, a path parameter) is a 400 VALIDATION_001 naming the field,
// on every route of the table: never a 5xx (Postgres refuses NUL in text,
// which used to surface as 500).
func TestHostileTextOnEveryRoute(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "hostile@example.com", "010-2000-0016")
	eventID := publishedEvent(t, f, acct)
	ops := specOps(t)
	values := map[string]string{"eventId": eventID, "userId": acct.userID, "imageId": uuid.NewString(), "jobId": uuid.NewString(),
		"participantId": "20261122-000001", "channel": "INSTAGRAM"}

	var fns []Function
	for _, fn := range f.srv.Functions() {
		if fn.Trigger == TriggerHTTP {
			fns = append(fns, fn)
		}
	}
	// Logging out ends the session the walk uses: last.
	slices.SortStableFunc(fns, func(a, b Function) int {
		return strings.Compare(fmt.Sprint(a.Name == "UserLogout"), fmt.Sprint(b.Name == "UserLogout"))
	})
	var fiveHundreds []string
	send := func(fn Function, what, path, body string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(fn.Method, "/", strings.NewReader(body))
		req.URL, _ = url.Parse(path) // httptest.NewRequest refuses what a client may still send
		req.RequestURI = path
		req.Header.Set("Authorization", "Bearer "+acct.access)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			fiveHundreds = append(fiveHundreds, fmt.Sprintf("%s (%s): %d %s", fn.Name, what, rec.Code, strings.TrimSpace(rec.Body.String())))
		}
		return rec
	}
	wantField := func(fn Function, what string, rec *httptest.ResponseRecorder, field string) {
		t.Helper()
		var p struct {
			Code   string              `json:"code"`
			Errors []apperr.FieldError `json:"errors"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		named := slices.ContainsFunc(p.Errors, func(e apperr.FieldError) bool { return e.Field == field })
		if rec.Code != http.StatusBadRequest || p.Code != apperr.CodeValidation || !named {
			t.Errorf("%s %s: %d %s; want 400 VALIDATION_001 naming %q", fn.Name, what, rec.Code, strings.TrimSpace(rec.Body.String()), field)
		}
	}
	fill := func(route string, poisoned, poison string) string {
		for _, name := range templateParams(route) {
			v := values[name]
			if name == poisoned {
				v = poison
			}
			route = strings.Replace(route, "{"+name+"}", url.PathEscape(v), 1)
		}
		return RoutePrefix + "/" + route
	}
	for _, fn := range fns {
		op, ok := ops[fn.Name]
		if !ok {
			t.Errorf("%s: not in docs/openapi.yaml", fn.Name)
			continue
		}
		for _, p := range poisons {
			for _, name := range templateParams(fn.Route) {
				what := "path " + name + " with " + p.name
				wantField(fn, what, send(fn, what, fill(fn.Route, name, p.text), ""), name)
			}
			for _, name := range append(slices.Clone(op.query), "unlisted") {
				what := "query " + name + " with " + p.name
				path := fill(fn.Route, "", "") + "?" + url.QueryEscape(name) + "=" + url.QueryEscape(p.text)
				wantField(fn, what, send(fn, what, path, ""), name)
			}
			for _, field := range op.body {
				what := "body " + field + " with " + p.name
				wantField(fn, what, send(fn, what, fill(fn.Route, "", ""), poisonedBody(field, p.json)), field)
			}
		}
	}
	if len(fiveHundreds) > 0 {
		t.Errorf("server errors:\n%s", strings.Join(fiveHundreds, "\n"))
	}
}

// The decoding layer's check, field by field: line breaks only in the
// textarea fields, nested fields named by their path, clean bodies left
// alone.
func TestJSONTextCheck(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body  string
		field string // "" = accepted
	}{
		{`{"name":"김민수","phoneNumber":"010-1234-5678"}`, ""},
		{`{"name":"김\"민수\\"}`, ""},
		{`{"description":"첫 줄\n둘째 줄\t탭"}`, ""},
		{`{"reason":"사유\r\n"}`, ""},
		{`{"name":"김\n민수"}`, "name"},
		{`{"description":"a\u0000b"}`, "description"},
		{`{"description":"a\u001bb"}`, "description"},
		{`{"settings":{"KAKAO":{"message":"a\u0000"}}}`, "settings.KAKAO.message"},
		{`{"styles":["SIMPLE","a` + "\xc3" + `"]}`, "styles[1]"},
		{`{"prize":"a` + "\u0085" + `b"}`, "prize"},
		{`{"a\u0000":1}`, "a\x00"},
		{`[{"x":"\u0007"}]`, "[0].x"},
		{`"\u0000"`, "body"},
		{`{"name":"a\u0000`, ""}, // malformed: the decoder says so
	} {
		err := jsonTextError([]byte(tt.body))
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.body, err)
			}
			continue
		}
		e := apperr.As(err)
		fields, _ := e.Extra["errors"].([]apperr.FieldError)
		if e.Code != apperr.CodeValidation || len(fields) != 1 || fields[0].Field != tt.field {
			t.Errorf("%s: %v %v; want the field %q", tt.body, err, fields, tt.field)
		}
	}
}
