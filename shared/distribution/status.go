package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/user"
)

// Status is an event's distribution as the owner sees it.
type Status struct {
	EventID       uuid.UUID       `json:"eventId"`
	OverallStatus string          `json:"overallStatus"`
	StartedAt     time.Time       `json:"startedAt"`
	CompletedAt   *time.Time      `json:"completedAt"`
	Channels      []ChannelStatus `json:"channels"`
}

// ChannelStatus is one channel's state.
type ChannelStatus struct {
	Channel        string     `json:"channel"`
	ChannelType    string     `json:"channelType"`
	Status         string     `json:"status"`
	Progress       int        `json:"progress"`
	DistributionID string     `json:"distributionId"`
	PostURL        string     `json:"postUrl"`
	Retries        int        `json:"retries"`
	Attempts       int        `json:"attempts"`
	ErrorMessage   string     `json:"errorMessage"`
	EstimatedViews int        `json:"estimatedViews"`
	NextAttemptAt  *time.Time `json:"nextAttemptAt"`
	CompletedAt    *time.Time `json:"completedAt"`
}

// Cache lifetimes: a settled distribution changes only by a retry (which
// invalidates); one in progress is short-lived so a read that raced a
// change is never stale for long.
const (
	settledTTL  = time.Hour
	progressTTL = 15 * time.Second
)

// Status returns the event's distribution, from Redis when cached.
func (s *Service) Status(ctx context.Context, c user.Caller, eventID uuid.UUID) (Status, error) {
	info, err := s.events.Owned(ctx, c, eventID)
	if err != nil {
		return Status{}, err
	}
	if b, err := s.rdb.Get(ctx, s.statusKey(eventID)).Bytes(); err == nil {
		var st Status
		if json.Unmarshal(b, &st) == nil {
			return st, nil
		}
	}
	st, err := readStatus(ctx, s.db, eventID)
	if errors.Is(err, errNoDistribution) {
		return pendingStatus(info)
	}
	if err != nil {
		return Status{}, err
	}
	ttl := progressTTL
	if st.OverallStatus != OverallInProgress {
		ttl = settledTTL
	}
	if b, err := json.Marshal(st); err == nil {
		if err := s.rdb.Set(ctx, s.statusKey(eventID), b, ttl).Err(); err != nil {
			s.log.WarnContext(ctx, "distribution status not cached", "eventId", eventID, "error", err)
		}
	}
	return st, nil
}

// pendingStatus is a published event whose jobs have not been picked up
// yet: every channel PENDING. A draft was never distributed.
func pendingStatus(info event.Info) (Status, error) {
	if info.PublishedAt == nil {
		return Status{}, apperr.New(apperr.NotFound, CodeNotDistributed, "the event has not been published, so it has no distribution")
	}
	st := Status{EventID: info.EventID, OverallStatus: OverallInProgress, StartedAt: *info.PublishedAt, Channels: []ChannelStatus{}}
	for _, ch := range info.Channels {
		st.Channels = append(st.Channels, ChannelStatus{Channel: ch, ChannelType: ChannelType(ch), Status: StatusPending})
	}
	return st, nil
}

var errNoDistribution = errors.New("distribution: none for the event")

func readStatus(ctx context.Context, q postgres.Querier, eventID uuid.UUID) (Status, error) {
	st := Status{EventID: eventID}
	err := q.QueryRow(ctx, `SELECT overall_status, started_at, completed_at FROM distribution.distribution_status WHERE event_id = $1`, eventID).
		Scan(&st.OverallStatus, &st.StartedAt, &st.CompletedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, errNoDistribution
	}
	if err != nil {
		return st, fmt.Errorf("distribution: status of %s: %w", eventID, err)
	}
	rows, err := q.Query(ctx, `SELECT channel, status, coalesce(progress, 0), coalesce(distribution_id, ''), coalesce(post_url, ''), retries, attempts,
			coalesce(error_message, ''), coalesce(estimated_views, 0), next_attempt_at, completed_at
		FROM distribution.channel_status WHERE event_id = $1`, eventID)
	if err != nil {
		return st, fmt.Errorf("distribution: channels of %s: %w", eventID, err)
	}
	st.Channels, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ChannelStatus, error) {
		var c ChannelStatus
		err := r.Scan(&c.Channel, &c.Status, &c.Progress, &c.DistributionID, &c.PostURL, &c.Retries, &c.Attempts, &c.ErrorMessage, &c.EstimatedViews, &c.NextAttemptAt, &c.CompletedAt)
		c.ChannelType = ChannelType(c.Channel)
		return c, err
	})
	if err != nil {
		return st, fmt.Errorf("distribution: channels of %s: %w", eventID, err)
	}
	slices.SortFunc(st.Channels, func(a, b ChannelStatus) int {
		return slices.Index(Channels, a.Channel) - slices.Index(Channels, b.Channel)
	})
	return st, nil
}

// forget drops the cached status after a change.
func (s *Service) forget(ctx context.Context, eventID uuid.UUID) {
	if err := s.rdb.Del(context.WithoutCancel(ctx), s.statusKey(eventID)).Err(); err != nil {
		s.log.WarnContext(ctx, "distribution status cache not invalidated; it expires shortly", "eventId", eventID, "error", err)
	}
}

// RetryReceipt answers DistributionRetry.
type RetryReceipt struct {
	EventID   uuid.UUID `json:"eventId"`
	Channel   string    `json:"channel"`
	Status    string    `json:"status"`
	MessageID string    `json:"messageId"`
}

// stranded reports whether a channel's call died holding it: still in
// progress, with a lease that has run out (a live call's lease outlasts its
// invocation's deadline).
func stranded(row channelRow, now time.Time) bool {
	return (row.Status == StatusInProgress || row.Status == StatusPending) && row.LeaseUntil != nil && row.LeaseUntil.Before(now)
}

// Retry re-queues a FAILED or stranded channel and reopens the distribution,
// in one transaction with the job's message. The resume state is kept, so a
// retry continues a chain that got as far as a post instead of posting again;
// the new job's id fences off the dead call, should it ever wake.
func (s *Service) Retry(ctx context.Context, c user.Caller, eventID uuid.UUID, channel string) (RetryReceipt, error) {
	if !slices.Contains(Channels, channel) {
		return RetryReceipt{}, apperr.New(apperr.Invalid, CodeUnknownChannel, fmt.Sprintf("%q is not a channel (one of %v)", channel, Channels))
	}
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return RetryReceipt{}, err
	}
	next := nextMessageID(eventID, channel)
	now := s.now()
	err := s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var distID int64
		err := tx.QueryRow(ctx, `SELECT id FROM distribution.distribution_status WHERE event_id = $1 FOR UPDATE`, eventID).Scan(&distID)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, CodeNotDistributed, "the event has no distribution yet")
		}
		if err != nil {
			return fmt.Errorf("distribution: retry %s: %w", eventID, err)
		}
		row, err := s.load(ctx, tx, eventID, channel, true)
		if err != nil {
			return err
		}
		if row.Status != StatusFailed && !stranded(row, now) {
			return apperr.New(apperr.Conflict, CodeNotFailed, fmt.Sprintf("%s is %s: only a FAILED channel, or one whose call died (its lease ran out), can be retried", channel, row.Status))
		}
		var raw []byte
		if err := tx.QueryRow(ctx, `SELECT job FROM distribution.channel_status WHERE id = $1`, row.ID).Scan(&raw); err != nil || raw == nil {
			return fmt.Errorf("distribution: %s/%s has no stored job to retry: %v", eventID, channel, err)
		}
		var job event.DistributeChannel
		if err := json.Unmarshal(raw, &job); err != nil {
			return fmt.Errorf("distribution: stored job of %s/%s: %w", eventID, channel, err)
		}
		job.Attempt = row.Attempts + 1
		m, err := queue.NewMessage(next, queue.DistributionJobs, event.TypeDistribute, eventID.String(), job)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE distribution.channel_status SET status = 'PENDING', progress = 0, retries = 0, error_message = NULL,
				completed_at = NULL, next_attempt_at = NULL, lease_until = NULL, message_id = $2, update_timestamp = $3, updated_at = $3
			WHERE id = $1`, row.ID, next, now); err != nil {
			return fmt.Errorf("distribution: reopen %s: %w", channel, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE distribution.distribution_status SET overall_status = 'IN_PROGRESS', completed_at = NULL, updated_at = $2
			WHERE id = $1`, distID, now); err != nil {
			return fmt.Errorf("distribution: reopen %s: %w", eventID, err)
		}
		return s.outbox.Enqueue(ctx, tx, m)
	})
	if err != nil {
		return RetryReceipt{}, err
	}
	s.forget(ctx, eventID)
	s.log.InfoContext(ctx, "channel re-queued by the owner", "eventId", eventID, "channel", channel, "messageId", next)
	return RetryReceipt{EventID: eventID, Channel: channel, Status: StatusPending, MessageID: next}, nil
}
