// Package participation owns entries and the winner draw.
package participation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/redis"
)

// CountTTL bounds how stale a cached participant count may be.
const CountTTL = 5 * time.Minute

// CountKey is the seed ERD's live count, participation:count:{eventId}
// (the id a hash tag, as for every key of the event's submits) under the
// domain's key prefix (Config.KeyPrefix).
func CountKey(prefix string, eventID uuid.UUID) string {
	return prefix + "participation:count:" + redis.Tag(eventID.String())
}

// Counter answers "how many entries does this event have" for lists and
// dashboards, from Redis when it can and Postgres otherwise, and "were its
// winners drawn" for the public page: the events domain's read of this one.
type Counter struct {
	db     *postgres.DB
	rdb    goredis.UniversalClient
	prefix string
}

// NewCounter returns the counter; prefix is the domain's Config.KeyPrefix.
func NewCounter(db *postgres.DB, rdb goredis.UniversalClient, prefix string) *Counter {
	return &Counter{db: db, rdb: rdb, prefix: prefix}
}

// Counts returns the entry count of each event (0 for none).
func (c *Counter) Counts(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]int, error) {
	out := make(map[uuid.UUID]int, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// One GET per event in one pipeline, not an MGET: the events' keys are
	// in different hash slots, which one MGET may not span on a Redis
	// Cluster (go-redis sends the pipeline to each shard at once).
	pipe := c.rdb.Pipeline()
	gets := make([]*goredis.StringCmd, len(ids))
	for i, id := range ids {
		gets[i] = pipe.Get(ctx, CountKey(c.prefix, id))
	}
	_, _ = pipe.Exec(ctx) // a missing key (redis.Nil) or a Redis failure: Postgres counts
	var missing []uuid.UUID
	for i, id := range ids {
		if n, err := gets[i].Int(); err == nil {
			out[id] = n
			continue
		}
		missing = append(missing, id)
	}
	if len(missing) == 0 {
		return out, nil
	}
	rows, err := c.db.Query(ctx, `SELECT event_id, count(*) FROM participation.participants WHERE event_id = ANY($1) GROUP BY event_id`, missing)
	if err != nil {
		return nil, fmt.Errorf("participation: count: %w", err)
	}
	defer rows.Close()
	fresh := map[uuid.UUID]int{}
	for rows.Next() {
		var id uuid.UUID
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		fresh[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pipe = c.rdb.Pipeline()
	for _, id := range missing {
		out[id] = fresh[id]
		pipe.Set(ctx, CountKey(c.prefix, id), fresh[id], CountTTL)
	}
	_, _ = pipe.Exec(ctx) // a cache that cannot be filled is only slower
	return out, nil
}

// DrawState tells whether and when the event's winners were drawn, and how
// many, from the draw log (the one record of it). The events domain caches
// the answer in its public snapshot, which the draw drops.
func (c *Counter) DrawState(ctx context.Context, id uuid.UUID) (event.DrawState, error) {
	var at time.Time
	var winners int
	err := c.db.QueryRow(ctx, `SELECT drawn_at, winner_count FROM participation.draw_logs WHERE event_id = $1`, id).Scan(&at, &winners)
	if errors.Is(err, pgx.ErrNoRows) {
		return event.DrawState{}, nil
	}
	if err != nil {
		return event.DrawState{}, fmt.Errorf("participation: draw state: %w", err)
	}
	at = at.UTC()
	return event.DrawState{DrawnAt: &at, WinnerCount: winners}, nil
}
