// Package queue carries work between functions: the Publisher that puts a
// message on a queue (Service Bus on Azure, Redis Streams locally), the
// transactional outbox that makes "change state and send" atomic, and the
// consumer-side ledger that applies each message once.
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The queues of API.md. Each has one consuming function.
const (
	AIRecommendationJobs = "ai-recommendation-jobs" // RecommendationGenerate
	ImageGenerationJobs  = "image-generation-jobs"  // ImageGenerate
	DistributionJobs     = "distribution-jobs"      // ChannelDistribute
	AnalyticsEvents      = "analytics-events"       // AnalyticsIngest
	WinnerNotify         = "winner-notify"          // WinnerNotify
)

// Queues lists every queue the app sends to; infra and the devhost check against it.
var Queues = []string{AIRecommendationJobs, ImageGenerationJobs, DistributionJobs, AnalyticsEvents, WinnerNotify}

// Message is one unit of work. ID is stable: whoever sends it again (the
// relay after a crash, a retry) sends the same ID, so the broker's duplicate
// detection and the consumer's ledger can both recognise it.
type Message struct {
	ID            string
	Queue         string
	Subject       string // the message type, e.g. EventCreated; also ApplicationProperties["type"]
	CorrelationID string // usually the event id
	Body          json.RawMessage
	// ScheduledAt delays delivery until then (Service Bus scheduled enqueue);
	// zero means now.
	ScheduledAt time.Time
}

// NewMessage builds a message with a JSON body.
func NewMessage(id, queue, subject, correlationID string, body any) (Message, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return Message{}, fmt.Errorf("queue: encode %s body: %w", subject, err)
	}
	return Message{ID: id, Queue: queue, Subject: subject, CorrelationID: correlationID, Body: data}, nil
}

func (m Message) validate() error {
	switch {
	case m.ID == "":
		return errors.New("queue: message without an id")
	case len(m.ID) > 128:
		return fmt.Errorf("queue: message id %q longer than Service Bus allows (128)", m.ID)
	case m.Queue == "":
		return fmt.Errorf("queue: message %s without a queue", m.ID)
	case !json.Valid(m.Body):
		return fmt.Errorf("queue: message %s body is not JSON", m.ID)
	}
	return nil
}

// Publisher puts messages on queues. Implementations must be safe for
// concurrent use. Publish sends one message; an error means it may or may not
// have arrived, which is why ids are stable.
type Publisher interface {
	Publish(ctx context.Context, msg Message) error
	Close(ctx context.Context) error
}
