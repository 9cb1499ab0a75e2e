package handlers

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// specBodyFields lists every operation's request body properties, of any
// type, and its query parameters.
func specBodyFields(t *testing.T) (map[string][]string, map[string][]string) {
	t.Helper()
	root, resolve := specTree(t)
	body, query := map[string][]string{}, map[string][]string{}
	for _, item := range root["paths"].(map[string]any) {
		for _, op := range item.(map[string]any) {
			o, ok := op.(map[string]any)
			if !ok || o["operationId"] == nil {
				continue
			}
			name := o["operationId"].(string)
			params, _ := o["parameters"].([]any)
			for _, p := range params {
				if pm := resolve(p); pm["in"] == "query" {
					query[name] = append(query[name], pm["name"].(string))
				}
			}
			if rb := resolve(o["requestBody"]); rb != nil {
				content, _ := rb["content"].(map[string]any)
				for _, media := range content {
					schema := resolve(media.(map[string]any)["schema"])
					var props map[string]any
					props, _ = schema["properties"].(map[string]any)
					for f := range props {
						body[name] = append(body[name], f)
					}
				}
			}
			sort.Strings(body[name])
		}
	}
	return body, query
}

// Malformed input of every kind, on every route of the table, is a 4xx:
// truncated or non-object JSON, every body field with every wrong type,
// huge numbers, deep nesting, an empty body, a wrong content type, and
// malformed path and query values (not UUIDs, negative or huge paging,
// unknown enums). Never a 5xx.
func TestMalformedInputOnEveryRoute(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "malformed@example.com", "010-2000-0173")
	eventID := publishedEvent(t, f, acct)
	bodyFields, queryParams := specBodyFields(t)
	values := map[string]string{"eventId": eventID, "userId": acct.userID, "imageId": uuid.NewString(), "jobId": uuid.NewString(),
		"participantId": "20261122-000001", "channel": "INSTAGRAM"}

	var fns []Function
	for _, fn := range f.srv.Functions() {
		if fn.Trigger == TriggerHTTP && fn.Name != "UserLogout" { // logging out would end the walk's session
			fns = append(fns, fn)
		}
	}
	var fiveHundreds []string
	statuses := map[int]int{}
	send := func(fn Function, what, path, contentType, body string) {
		t.Helper()
		req := httptest.NewRequest(fn.Method, "/", strings.NewReader(body))
		req.URL, _ = url.Parse(path)
		req.RequestURI = path
		req.Header.Set("Authorization", "Bearer "+acct.access)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		statuses[rec.Code]++
		if rec.Code >= 500 {
			fiveHundreds = append(fiveHundreds, fmt.Sprintf("%s (%s): %d %.200s", fn.Name, what, rec.Code, strings.TrimSpace(rec.Body.String())))
		}
	}
	fill := func(route string, bad map[string]string) string {
		for _, name := range templateParams(route) {
			v := values[name]
			if b, ok := bad[name]; ok {
				v = b
			}
			route = strings.Replace(route, "{"+name+"}", url.PathEscape(v), 1)
		}
		return RoutePrefix + "/" + route
	}
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	bodies := map[string]string{
		"truncated": `{"name":"x",`, "array": `[1,2,3]`, "array of objects": `[{}]`, "string": `"x"`, "number": `42`, "null": `null`,
		"true": `true`, "empty object": `{}`, "empty": ``, "deeply nested": deep, "huge number": `{"x":1e400}`,
		"two documents": `{}{}`, "trailing garbage": `{} x`, "BOM": "\ufeff{}",
	}
	wrongs := []string{`123`, `-1`, `1.5`, `1e400`, `99999999999999999999999`, `true`, `null`, `[]`, `[1]`, `[null]`, `{}`, `{"x":1}`, `""`, `"x"`,
		`"` + strings.Repeat("가", 5000) + `"`, `"2026-13-45"`, `"00000000-0000-0000-0000-000000000000"`}
	badPaths := []string{"not-a-uuid", "00000000-0000-0000-0000-000000000000", "-1", "99999999999999999999", strings.Repeat("a", 2000), "..", "%2e%2e"}
	badQueries := []string{"-1", "0", "99999999999999999999", "1e400", "abc", "", "ZZZ_UNKNOWN", "true", "2026-13-45", "1.5", strings.Repeat("9", 500)}
	// A published event, then a draft (whose editing endpoints validate
	// their fields instead of answering EVENT_004).
	for _, ev := range []string{eventID, draftWithPlan(t, f, acct)} {
		values["eventId"] = ev
		for _, fn := range fns {
			base := fill(fn.Route, nil)
			for what, b := range bodies {
				send(fn, "body "+what, base, "application/json", b)
			}
			for _, ct := range []string{"text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"} {
				send(fn, "content type "+ct, base, ct, `{}`)
			}
			for _, field := range bodyFields[fn.Name] {
				for _, w := range wrongs {
					send(fn, "body "+field+"="+w[:min(len(w), 30)], base, "application/json", `{"`+field+`":`+w+`}`)
				}
			}
			for _, name := range templateParams(fn.Route) {
				for _, v := range badPaths {
					send(fn, "path "+name+"="+v[:min(len(v), 30)], fill(fn.Route, map[string]string{name: v}), "", "")
				}
			}
			for _, q := range append(slices.Clone(queryParams[fn.Name]), "page", "size") {
				for _, v := range badQueries {
					send(fn, "query "+q+"="+v[:min(len(v), 30)], base+"?"+url.QueryEscape(q)+"="+url.QueryEscape(v), "", "")
				}
			}
		}
	}
	// Each channel's settings with wrong types.
	draft := draftWithPlan(t, f, acct)
	channelSelect := Function{Name: "ChannelSelect", Method: "PUT", Route: "events/{eventId}/channels"}
	for _, ch := range []string{"URIDONGNETV", "RINGOBIZ", "GINITV", "INSTAGRAM", "NAVER", "KAKAO"} {
		for _, field := range []string{"radius", "timeSlot", "region", "phoneNumber", "message", "scheduledTime", "hashtags"} {
			for _, w := range append(wrongs, `["a","b"]`, `[1]`) {
				send(channelSelect, "settings."+ch+"."+field+"="+w[:min(len(w), 30)], RoutePrefix+"/events/"+draft+"/channels", "application/json",
					`{"channels":["`+ch+`"],"settings":{"`+ch+`":{"`+field+`":`+w+`}}}`)
			}
		}
		for _, w := range wrongs {
			send(channelSelect, "settings."+ch+"="+w[:min(len(w), 30)], RoutePrefix+"/events/"+draft+"/channels", "application/json",
				`{"channels":["`+ch+`"],"settings":{"`+ch+`":`+w+`}}`)
		}
	}
	// The host's envelopes (POST /<Name>), malformed, for every function.
	for _, fn := range f.srv.Functions() {
		env := Function{Name: fn.Name + " envelope", Method: "POST"}
		for what, b := range bodies {
			send(env, what, "/"+fn.Name, "application/json", b)
		}
		for _, b := range []string{`{"Data":[]}`, `{"Data":{"req":"x"}}`, `{"Data":{"req":{"Method":1}}}`, `{"Data":{"msg":"{"}}`,
			`{"Data":{"timer":[]}}`, `{"Metadata":{"DeliveryCount":"x"}}`, `{"Data":{"msg":123},"Metadata":{"DeliveryCount":"-5"}}`} {
			send(env, b, "/"+fn.Name, "application/json", b)
		}
	}
	t.Logf("answers by status: %v", statuses)
	if len(fiveHundreds) > 0 {
		t.Errorf("%d server errors:\n%s", len(fiveHundreds), strings.Join(fiveHundreds, "\n"))
	}
}
