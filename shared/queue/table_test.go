package queue_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/infra"
	"github.com/eventmkt/backend/shared/queue"
)

// The embedded table parses and lists exactly the queues the app sends to.
func TestRepositoryQueueTable(t *testing.T) {
	t.Parallel()
	tbl, err := queue.ParseTable(infra.QueuesJSON)
	if err != nil {
		t.Fatal(err)
	}
	got, want := tbl.Names(), slices.Clone(queue.Queues)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("infra/queues.json lists %v, queue.Queues is %v", got, want)
	}
	if s := tbl[queue.ImageGenerationJobs]; s.LockDuration != 5*time.Minute || s.MaxDeliveryCount != 5 || s.TTL != 7*24*time.Hour || !s.DeadLetterOnExpiry || s.DuplicateWindow != 10*time.Minute {
		t.Errorf("image-generation-jobs: %+v", s)
	}
}

func TestParseISODuration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT30S", 30 * time.Second, true},
		{"PT5M", 5 * time.Minute, true},
		{"PT1H30M", 90 * time.Minute, true},
		{"P7D", 7 * 24 * time.Hour, true},
		{"P1DT12H", 36 * time.Hour, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"P", 0, false},
		{"PT", 0, false},
		{"P1M", 0, false}, // a month has no fixed length
		{"5m", 0, false},
		{"", 0, false},
	} {
		got, err := queue.ParseISODuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseTableRejects(t *testing.T) {
	t.Parallel()
	const good = `"lockDuration": "PT1M", "maxDeliveryCount": 3, "defaultMessageTimeToLive": "P1D", "deadLetteringOnMessageExpiration": true, "duplicateDetectionHistoryTimeWindow": "PT10M"`
	for _, tc := range []struct{ name, doc, want string }{
		{"no queues", `{"queues": []}`, "no queues"},
		{"no name", `{"queues": [{` + good + `}]}`, "no name"},
		{"twice", `{"queues": [{"name": "a", ` + good + `}, {"name": "a", ` + good + `}]}`, "listed twice"},
		{"zero deliveries", `{"queues": [{"name": "a", ` + strings.Replace(good, `"maxDeliveryCount": 3`, `"maxDeliveryCount": 0`, 1) + `}]}`, "maxDeliveryCount 0"},
		{"lock too long", `{"queues": [{"name": "a", ` + strings.Replace(good, `"PT1M"`, `"PT6M"`, 1) + `}]}`, "lockDuration PT6M is outside"},
		{"TTL not ISO", `{"queues": [{"name": "a", ` + strings.Replace(good, `"P1D"`, `"7 days"`, 1) + `}]}`, "defaultMessageTimeToLive"},
		{"window too short", `{"queues": [{"name": "a", ` + strings.Replace(good, `"PT10M"`, `"PT10S"`, 1) + `}]}`, "duplicateDetectionHistoryTimeWindow PT10S"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := queue.ParseTable([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := queue.ParseTable([]byte(`{"queues": [{"name": "a", ` + good + `}]}`)); err != nil {
		t.Errorf("a good table: %v", err)
	}
}
