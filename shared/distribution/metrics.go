package distribution

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/queue"
)

// ChannelMetrics carries what a channel reported about a live post to
// analytics, which stores it beside its own counts.
type ChannelMetrics struct {
	Type            string    `json:"type"`
	EventID         uuid.UUID `json:"eventId"`
	Channel         string    `json:"channel"`
	ChannelType     string    `json:"channelType"`
	Impressions     int64     `json:"impressions"`
	Views           int64     `json:"views"`
	Clicks          int64     `json:"clicks"`
	Likes           int64     `json:"likes"`
	Comments        int64     `json:"comments"`
	Shares          int64     `json:"shares"`
	TotalCalls      int64     `json:"totalCalls"`
	CompletedCalls  int64     `json:"completedCalls"`
	AverageDuration float64   `json:"averageDuration"`
	CollectedAt     time.Time `json:"collectedAt"`
}

// CollectResult counts one ChannelStatsCollect run.
type CollectResult struct {
	Posts     int `json:"posts"`
	Collected int `json:"collected"`
	Failed    int `json:"failed"`
}

// collectBatch bounds one run; older posts wait for the next.
const collectBatch = 500

// CollectMetrics pulls the figures of live posts (posted within the
// metrics window, not pulled within MetricsEvery) and sends each to
// analytics as a ChannelMetrics message. A channel that fails is skipped
// until the next run; the rest go on. Its breaker is respected.
func (s *Service) CollectMetrics(ctx context.Context) (CollectResult, error) {
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT id, event_id, channel, post_id FROM distribution.channel_status
		WHERE status = 'SUCCESS' AND completed_at > $1 AND post_id IS NOT NULL AND (metrics_at IS NULL OR metrics_at < $2)
		ORDER BY metrics_at NULLS FIRST LIMIT $3`, now.Add(-s.cfg.MetricsWindow), now.Add(-s.cfg.MetricsEvery), collectBatch)
	if err != nil {
		return CollectResult{}, fmt.Errorf("distribution: live posts: %w", err)
	}
	type post struct {
		id      int64
		eventID uuid.UUID
		channel string
		postID  string
	}
	posts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (post, error) {
		var p post
		return p, r.Scan(&p.id, &p.eventID, &p.channel, &p.postID)
	})
	if err != nil {
		return CollectResult{}, fmt.Errorf("distribution: live posts: %w", err)
	}
	res := CollectResult{Posts: len(posts)}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, p := range posts {
		adapter, ok := s.adapters[p.channel]
		if !ok {
			continue
		}
		if st, err := s.breaker.Allow(ctx, p.channel); err == nil && !st.Allowed {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := s.collectOne(ctx, adapter, p.id, p.eventID, p.postID, now)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Failed++
				s.log.WarnContext(ctx, "channel metrics not collected", "eventId", p.eventID, "channel", p.channel, "error", err)
				return
			}
			res.Collected++
		}()
	}
	wg.Wait()
	return res, nil
}

func (s *Service) collectOne(ctx context.Context, a Adapter, rowID int64, eventID uuid.UUID, postID string, now time.Time) error {
	m, err := a.Metrics(ctx, postID)
	if err != nil {
		if IsTransient(err) {
			_ = s.breaker.Failure(ctx, a.Channel())
		}
		return err
	}
	msg := ChannelMetrics{Type: TypeChannelMetrics, EventID: eventID, Channel: a.Channel(), ChannelType: ChannelType(a.Channel()),
		Impressions: m.Impressions, Views: m.Views, Clicks: m.Clicks, Likes: m.Likes, Comments: m.Comments, Shares: m.Shares,
		TotalCalls: m.TotalCalls, CompletedCalls: m.CompletedCalls, AverageDuration: m.AverageDuration, CollectedAt: now}
	// One message per post and minute: a rerun within the minute is a
	// duplicate the broker and the consumer both drop.
	qm, err := queue.NewMessage(fmt.Sprintf("channel-metrics-%s-%s-%d", eventID, a.Channel(), now.Unix()/60), queue.AnalyticsEvents, TypeChannelMetrics, eventID.String(), msg)
	if err != nil {
		return err
	}
	return s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE distribution.channel_status SET metrics_at = $2 WHERE id = $1`, rowID, now); err != nil {
			return fmt.Errorf("distribution: metrics time: %w", err)
		}
		return s.outbox.Enqueue(ctx, tx, qm)
	})
}
