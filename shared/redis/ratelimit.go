package redis

import (
	"context"
	"time"

	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"
)

// Limiter is the app's one per-minute rate limit: GCRA (redis_rate), so a
// burst up to the rate passes and then one action per 60/rate seconds. The
// entry form and the page-view beacon both use it.
type Limiter struct{ l *redis_rate.Limiter }

// NewLimiter returns a limiter keeping its state in rdb.
func NewLimiter(rdb *goredis.Client) *Limiter { return &Limiter{l: redis_rate.NewLimiter(rdb)} }

// Allow takes one action under key against perMinute. It returns 0 when the
// action is allowed, otherwise how long until the next one would be;
// perMinute <= 0 turns the limit off. An error means Redis did not answer:
// callers decide whether to let the action through.
func (l *Limiter) Allow(ctx context.Context, key string, perMinute int) (time.Duration, error) {
	if perMinute <= 0 {
		return 0, nil
	}
	res, err := l.l.Allow(ctx, key, redis_rate.PerMinute(perMinute))
	if err != nil {
		return 0, err
	}
	if res.Allowed == 0 {
		return max(res.RetryAfter, time.Millisecond), nil
	}
	return 0, nil
}
