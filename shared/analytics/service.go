// Package analytics turns the platform's messages into owner dashboards:
// each message is recorded once in an append-only raw log, StatsRollup
// folds only what is new into event_stats, channel_stats and hourly
// timeline_data, and the dashboards read those tables (cached in Redis).
package analytics

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/user"
)

// Error codes (API.md, seed design).
const (
	CodeNoData = "ANALYTICS_001" // 404: nothing rolled up for the event yet
)

// EventReader is what this domain needs from events: ownership checks and
// the list of an event's active pages.
type EventReader interface {
	Owned(ctx context.Context, c user.Caller, id uuid.UUID) (event.Info, error)
}

// Config holds the cache and rollup rules.
type Config struct {
	DashboardTTL time.Duration // analytics:dashboard:{id} (5 minutes)
	BatchSize    int           // raw rows folded per transaction (5,000)
	KeyPrefix    string        // Redis key prefix ("" in production; tests isolate with one), the events domain's too (page views)
	TimeZone     *time.Location
}

func (c *Config) defaults() {
	if c.DashboardTTL <= 0 {
		c.DashboardTTL = 5 * time.Minute
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 5000
	}
	if c.TimeZone == nil {
		c.TimeZone = time.UTC
	}
}

// Service is the analytics domain.
type Service struct {
	db     *postgres.DB
	rdb    goredis.UniversalClient
	events EventReader
	log    *slog.Logger
	now    func() time.Time
	cfg    Config
}

// NewService wires the domain.
func NewService(db *postgres.DB, rdb goredis.UniversalClient, events EventReader, log *slog.Logger, cfg Config, now func() time.Time) *Service {
	cfg.defaults()
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, rdb: rdb, events: events, log: log, now: now, cfg: cfg}
}

// DashboardKey is the cached dashboard of an event (seed ERD key).
func (s *Service) DashboardKey(eventID uuid.UUID) string {
	return s.cfg.KeyPrefix + "analytics:dashboard:" + eventID.String()
}

// userKey caches an owner's aggregate dashboard.
func (s *Service) userKey(userID uuid.UUID) string {
	return s.cfg.KeyPrefix + "analytics:user:" + userID.String()
}

// forget drops the cached dashboards of events the rollup changed, and
// their owners' aggregates.
func (s *Service) forget(ctx context.Context, events []uuid.UUID, users []uuid.UUID) {
	if len(events)+len(users) == 0 {
		return
	}
	keys := make([]string, 0, len(events)+len(users))
	for _, id := range events {
		keys = append(keys, s.DashboardKey(id))
	}
	for _, id := range users {
		keys = append(keys, s.userKey(id))
	}
	// One DEL per key in one pipeline: the keys are in different hash
	// slots, which one DEL may not span on a Redis Cluster.
	ctx = context.WithoutCancel(ctx)
	pipe := s.rdb.Pipeline()
	for _, k := range keys {
		pipe.Del(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.log.WarnContext(ctx, "dashboard caches not invalidated; they expire within their TTL", "events", len(events), "error", err)
	}
}
