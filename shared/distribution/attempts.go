package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/tables"
)

// Attempt outcomes in the log.
const (
	AttemptSuccess   = "SUCCESS"
	AttemptTransient = "TRANSIENT"
	AttemptPermanent = "PERMANENT"
)

// Attempt is one call to a channel as logged in Table storage: partition
// per event, row per channel and attempt ("INSTAGRAM-0002").
type Attempt struct {
	EventID        string
	Channel        string
	Attempt        int
	StartedAt      time.Time
	Outcome        string
	LatencyMs      int64
	HTTPStatus     int
	Error          string
	MessageID      string
	DistributionID string
	PostID         string
}

// attemptRowKey orders a channel's attempts.
func attemptRowKey(channel string, attempt int) string {
	return fmt.Sprintf("%s-%04d", channel, attempt)
}

// logAttempt appends the attempt. The log is for people and audits, not
// for decisions: a failed write is logged and the delivery goes on. The
// upsert makes a redelivered attempt overwrite, not duplicate, its row.
func (s *Service) logAttempt(ctx context.Context, job event.DistributeChannel, row channelRow, messageID string, started time.Time, latency time.Duration, res Result, callErr error) {
	a := Attempt{EventID: job.EventID.String(), Channel: job.Channel, Attempt: row.Attempts, StartedAt: started.UTC(), LatencyMs: latency.Milliseconds(),
		MessageID: messageID, DistributionID: row.DistributionID, PostID: res.PostID, Outcome: AttemptSuccess}
	if callErr != nil {
		a.Outcome = AttemptPermanent
		if IsTransient(callErr) {
			a.Outcome = AttemptTransient
		}
		a.Error = callErr.Error()
		if len(a.Error) > 1000 {
			a.Error = a.Error[:1000]
		}
		var ce *CallError
		if errors.As(callErr, &ce) {
			a.HTTPStatus = ce.Status
		}
	}
	entity := map[string]any{
		"PartitionKey": a.EventID, "RowKey": attemptRowKey(a.Channel, a.Attempt),
		"Channel": a.Channel, "Attempt": a.Attempt, "StartedAt": a.StartedAt.Format(time.RFC3339Nano), "Outcome": a.Outcome,
		"LatencyMs": a.LatencyMs, "HttpStatus": a.HTTPStatus, "Error": a.Error, "MessageId": a.MessageID,
		"DistributionId": a.DistributionID, "PostId": a.PostID,
	}
	b, err := json.Marshal(entity)
	if err == nil && !s.tableOK.Load() {
		if err = tables.EnsureTable(ctx, s.tables, s.cfg.AttemptTable); err == nil {
			s.tableOK.Store(true)
		}
	}
	if err == nil {
		_, err = s.attempts.UpsertEntity(context.WithoutCancel(ctx), b, &aztables.UpsertEntityOptions{UpdateMode: aztables.UpdateModeReplace})
	}
	if err != nil {
		s.log.WarnContext(ctx, "attempt not written to the log table", "eventId", a.EventID, "channel", a.Channel, "attempt", a.Attempt, "error", err)
	}
}

// Attempts reads an event's attempt log, in channel and attempt order.
func (s *Service) Attempts(ctx context.Context, eventID uuid.UUID) ([]Attempt, error) {
	filter := fmt.Sprintf("PartitionKey eq '%s'", eventID)
	pager := s.attempts.NewListEntitiesPager(&aztables.ListEntitiesOptions{Filter: &filter})
	var out []Attempt
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("distribution: attempt log of %s: %w", eventID, err)
		}
		for _, raw := range page.Entities {
			var e struct {
				PartitionKey, Channel, StartedAt, Outcome, Error, MessageId, DistributionId, PostId string
				Attempt, HttpStatus                                                                 int
				LatencyMs                                                                           int64
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, fmt.Errorf("distribution: attempt log entity: %w", err)
			}
			t, _ := time.Parse(time.RFC3339Nano, e.StartedAt)
			out = append(out, Attempt{EventID: e.PartitionKey, Channel: e.Channel, Attempt: e.Attempt, StartedAt: t, Outcome: e.Outcome,
				LatencyMs: e.LatencyMs, HTTPStatus: e.HttpStatus, Error: e.Error, MessageID: e.MessageId, DistributionID: e.DistributionId, PostID: e.PostId})
		}
	}
	return out, nil
}
