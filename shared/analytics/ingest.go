package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
)

// Message types the raw log accepts: what the other domains send to
// analytics-events, plus the page-view counts StatsRollup takes out of
// Redis.
const (
	TypeEventCreated          = "EventCreated"
	TypeEventEnded            = "EventEnded"
	TypeParticipantRegistered = "ParticipantRegistered" // one entry (earlier releases; still folded)
	// TypeParticipantsRegistered lists the entries of one group commit.
	TypeParticipantsRegistered = "ParticipantsRegistered"
	TypeDistributionCompleted  = "DistributionCompleted"
	TypeChannelMetrics         = "ChannelMetrics"
	TypeViewsCounted           = "ViewsCounted"
)

var knownTypes = map[string]bool{TypeEventCreated: true, TypeEventEnded: true, TypeParticipantRegistered: true, TypeParticipantsRegistered: true,
	TypeDistributionCompleted: true, TypeChannelMetrics: true, TypeViewsCounted: true}

// envelope is what every analytics message has in common.
type envelope struct {
	Type        string    `json:"type"`
	EventID     uuid.UUID `json:"eventId"`
	OccurredAt  time.Time `json:"occurredAt"`
	CompletedAt time.Time `json:"completedAt"`
	CollectedAt time.Time `json:"collectedAt"`
}

// Ingest records one message in the raw log, once: the message id is the
// log's key, so a redelivery or a duplicate inserts nothing. It reports
// whether the message was new. A message that can never be recorded (not
// JSON, an unknown type, no event) is a permanent Invalid, so it is
// acknowledged as poison instead of retried.
func (s *Service) Ingest(ctx context.Context, messageID, subject string, body []byte) (bool, error) {
	if messageID == "" {
		return false, apperr.Permanent(apperr.Invalidf(CodeBadMessage, "the message has no id"))
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return false, apperr.Permanent(apperr.Wrap(err, apperr.Invalid, CodeBadMessage, "the message body is not JSON"))
	}
	typ := env.Type
	if typ == "" {
		typ = subject
	}
	if !knownTypes[typ] {
		return false, apperr.Permanent(apperr.Invalidf(CodeBadMessage, "message %s has type %q, which analytics does not record", messageID, typ))
	}
	if env.EventID == uuid.Nil {
		return false, apperr.Permanent(apperr.Invalidf(CodeBadMessage, "message %s (%s) names no event", messageID, typ))
	}
	at := firstTime(env.OccurredAt, env.CompletedAt, env.CollectedAt, s.now())
	tag, err := s.db.Exec(ctx, `WITH raw AS (
			INSERT INTO analytics.raw_events (message_id, event_id, type, occurred_at, received_at, payload)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING RETURNING id)
		INSERT INTO analytics.rollup_queue (raw_id) SELECT id FROM raw`, messageID, env.EventID, typ, at, s.now(), json.RawMessage(body))
	if err != nil {
		return false, fmt.Errorf("analytics: record %s: %w", messageID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// CodeBadMessage marks a message analytics can never record.
const CodeBadMessage = "ANALYTICS_002"

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
