package devhost

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/queue"
)

// The host's encodings, reproduced from what it sends (see
// testdata/functions-host at the repository root): a message body travels as a JSON string
// in Data; Metadata scalars are strings, string values quoted a second time;
// *Utc times carry no zone, their twins "+00:00"; the top-level fields of a
// JSON body are copied into Metadata.

const utcLayout = "2006-01-02T15:04:05"

func utcNoZone(t time.Time) string   { return t.UTC().Format(utcLayout) }
func utcWithZone(t time.Time) string { return t.UTC().Format(utcLayout) + "+00:00" }

// quoted renders a string value the way the host writes string metadata.
func quoted(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func sysMetadata(function string, now time.Time) map[string]any {
	return map[string]any{
		"MethodName": function,
		"UtcNow":     now.UTC().Format("2006-01-02T15:04:05.9999999Z"),
		"RandGuid":   uuid.NewString(),
	}
}

// timerStatus is the timer's ScheduleStatus (null before its first run).
type timerStatus struct {
	Last, Next, LastUpdated time.Time
}

// timerInvocation builds a timer trigger's request body.
func timerInvocation(fn *Function, status *timerStatus, pastDue bool, now time.Time) map[string]any {
	var st any
	if status != nil {
		st = map[string]any{
			"Last":        status.Last.UTC().Format("2006-01-02T15:04:05.9999999+00:00"),
			"Next":        status.Next.UTC().Format("2006-01-02T15:04:05.9999999+00:00"),
			"LastUpdated": status.LastUpdated.UTC().Format("2006-01-02T15:04:05.9999999+00:00"),
		}
	}
	return map[string]any{
		"Data": map[string]any{
			fn.Binding: map[string]any{
				"Schedule":       map[string]any{"AdjustForDST": true},
				"ScheduleStatus": st,
				"IsPastDue":      pastDue,
			},
		},
		"Metadata": map[string]any{"sys": sysMetadata(fn.Name, now)},
	}
}

// queueInvocation builds a Service Bus trigger's request body. ttl is the
// queue's defaultMessageTimeToLive (infra/queues.json): ExpiresAt is
// EnqueuedTime plus it, as on Azure.
func queueInvocation(fn *Function, e queue.Entry, deliveryCount int, lockToken string, namespace string, now time.Time, ttl time.Duration) map[string]any {
	props := map[string]any{}
	if e.Subject != "" {
		props["type"] = e.Subject
	}
	meta := map[string]any{
		"MessageReceiver": map[string]any{},
		"MessageSession":  map[string]any{},
		"MessageActions":  map[string]any{},
		"SessionActions":  map[string]any{},
		"ReceiveActions":  map[string]any{},
		"Client": map[string]any{
			"FullyQualifiedNamespace": namespace,
			"IsClosed":                false,
			"TransportType":           0,
			"Identifier":              namespace + "-" + lockToken[:8],
		},
		"DeliveryCount":         strconv.Itoa(deliveryCount),
		"LockToken":             quoted(lockToken),
		"ExpiresAtUtc":          utcNoZone(e.EnqueuedAt.Add(ttl)),
		"ExpiresAt":             utcWithZone(e.EnqueuedAt.Add(ttl)),
		"EnqueuedTimeUtc":       utcNoZone(e.EnqueuedAt),
		"EnqueuedTime":          utcWithZone(e.EnqueuedAt),
		"MessageId":             quoted(e.ID),
		"ContentType":           quoted("application/json"),
		"SequenceNumber":        strconv.FormatInt(e.SequenceNumber, 10),
		"ApplicationProperties": props,
		"UserProperties":        props,
		"sys":                   sysMetadata(fn.Name, now),
	}
	if e.CorrelationID != "" {
		meta["CorrelationId"] = quoted(e.CorrelationID)
	}
	if e.Subject != "" {
		meta["Subject"] = quoted(e.Subject)
		meta["Label"] = quoted(e.Subject)
	}
	// The host copies a JSON object body's top-level fields into Metadata,
	// stringified; they never replace the system properties.
	var fields map[string]json.RawMessage
	if json.Unmarshal(e.Body, &fields) == nil {
		for k, raw := range fields {
			if _, taken := meta[k]; taken {
				continue
			}
			meta[k] = string(raw)
		}
	}
	return map[string]any{
		"Data":     map[string]any{fn.Binding: string(e.Body)},
		"Metadata": meta,
	}
}
