package devhost

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/queue"
)

const fixtureDir = "../../testdata/functions-host"

func loadFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

var (
	zoneLess  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$`)
	plusZero  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$`)
	zuluTime  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$`)
	intString = regexp.MustCompile(`^-?\d+$`)
)

// class names how a value is encoded, so two bodies can be compared by
// shape where the values themselves differ (ids, times).
func class(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return "object{" + strings.Join(keys, ",") + "}"
	case string:
		switch {
		case zoneLess.MatchString(x):
			return "string:utc-no-zone"
		case plusZero.MatchString(x):
			return "string:+00:00"
		case zuluTime.MatchString(x):
			return "string:Z"
		case intString.MatchString(x):
			return "string:int"
		case x == "true" || x == "false":
			return "string:bool"
		case len(x) >= 2 && x[0] == '"' && x[len(x)-1] == '"':
			return "string:quoted"
		case json.Valid([]byte(x)) && (strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[")):
			return "string:json"
		default:
			return "string"
		}
	}
	return "?"
}

// sameShape compares two decoded bodies key by key, recursively, by class.
func sameShape(t *testing.T, path string, got, want any) {
	t.Helper()
	if class(got) != class(want) {
		t.Errorf("%s: devhost sends %s, the host sends %s", path, class(got), class(want))
		return
	}
	if g, ok := got.(map[string]any); ok {
		w := want.(map[string]any)
		for k := range w {
			sameShape(t, path+"."+k, g[k], w[k])
		}
	}
}

func TestQueueEncodingMatchesFixture(t *testing.T) {
	t.Parallel()
	fixture := loadFixture(t, "servicebus-analytics-event.json")
	body := fixture["Data"].(map[string]any)["msg"].(string)

	r := startRig(t, []string{"Work"}, nil)
	m := queue.Message{ID: "c1d2e3f4-0000-4000-8000-00000000a042", Queue: "work", Subject: "ParticipantRegistered",
		CorrelationID: "5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11", Body: []byte(body)}
	if err := r.broker.Publish(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the delivery", func() bool { return len(r.records("queue")) == 1 })
	raw, _ := json.Marshal(r.records("queue")[0]["raw"])
	var got map[string]any
	_ = json.Unmarshal(raw, &got)
	sameShape(t, "", got, fixture)

	// Values the handler relies on, exactly.
	meta := got["Metadata"].(map[string]any)
	exact := map[string]any{
		"DeliveryCount": "1", "MessageId": `"c1d2e3f4-0000-4000-8000-00000000a042"`, "ContentType": `"application/json"`,
		"CorrelationId": `"5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11"`, "Subject": `"ParticipantRegistered"`, "Label": `"ParticipantRegistered"`,
		"type": `"ParticipantRegistered"`, "participantId": `"20261122-000042"`, "storeVisited": "true", "channel": `"MOBILE"`,
	}
	for k, want := range exact {
		if meta[k] != want {
			t.Errorf("Metadata.%s = %v, want %v", k, meta[k], want)
		}
	}
	if got["Data"].(map[string]any)["msg"] != body {
		t.Errorf("Data.msg = %v, want the body as a JSON string", got["Data"])
	}
	sys := meta["sys"].(map[string]any)
	if sys["MethodName"] != "Work" {
		t.Errorf("sys.MethodName = %v", sys["MethodName"])
	}
	// Nothing the real host does not send.
	for k := range meta {
		if _, ok := fixture["Metadata"].(map[string]any)[k]; !ok {
			t.Errorf("devhost sends Metadata.%s, which the host does not", k)
		}
	}
}

func TestTimerEncodingMatchesFixtures(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Tick"}, nil)
	waitFor(t, 10*time.Second, "two timer runs", func() bool { return len(r.records("timer")) >= 2 })
	runs := r.records("timer")
	decode := func(i int) map[string]any {
		raw, _ := json.Marshal(runs[i]["raw"])
		var v map[string]any
		_ = json.Unmarshal(raw, &v)
		return v
	}
	first, second := decode(0), decode(1)
	// The first run has no schedule status yet, like the past-due fixture's.
	noStatus := loadFixture(t, "timer-past-due-no-status.json")
	sameShape(t, "first", first, noStatus)
	sameShape(t, "second", second, loadFixture(t, "timer.json"))
	for _, v := range []map[string]any{first, second} {
		if n := len(v["Data"].(map[string]any)); n != 1 {
			t.Errorf("Data has %d entries, want the timer only", n)
		}
		if v["Metadata"].(map[string]any)["sys"].(map[string]any)["MethodName"] != "Tick" {
			t.Errorf("sys.MethodName wrong: %v", v["Metadata"])
		}
	}
}
