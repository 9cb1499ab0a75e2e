package queue

import (
	"testing"
	"time"
)

// The fields the consuming side reads (see the servicebus fixtures) are set.
func TestToServiceBus(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 3, 0, 0, 0, time.FixedZone("KST", 9*3600))
	m := Message{ID: "dist-e1-INSTAGRAM", Queue: DistributionJobs, Subject: "DistributeChannel", CorrelationID: "e1", Body: []byte(`{"a":1}`), ScheduledAt: at}
	got := toServiceBus(m)
	if *got.MessageID != m.ID || *got.Subject != m.Subject || *got.CorrelationID != "e1" || *got.ContentType != "application/json" ||
		string(got.Body) != `{"a":1}` || got.ApplicationProperties["type"] != m.Subject || !got.ScheduledEnqueueTime.Equal(at) || got.ScheduledEnqueueTime.Location() != time.UTC {
		t.Errorf("mapped badly: %+v", got)
	}
	plain := toServiceBus(Message{ID: "x", Queue: "q", Body: []byte(`{}`)})
	if plain.Subject != nil || plain.CorrelationID != nil || plain.ScheduledEnqueueTime != nil || plain.ApplicationProperties != nil {
		t.Errorf("empty fields must stay unset: %+v", plain)
	}
}
