package distribution

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Breaker is a circuit breaker per channel whose state lives in Redis, so
// every function instance sees the same state: a dead partner API is left
// alone by all of them, not hammered by each in turn. Threshold failures in
// a row open it for Cooldown; then one probe at a time is let through
// (half-open); a success closes it, a failure opens it again.
type Breaker struct {
	rdb       goredis.UniversalClient
	prefix    string
	threshold int
	cooldown  time.Duration
}

// BreakerState is what Allow found.
type BreakerState struct {
	Allowed bool
	Probe   bool      // allowed as the half-open probe
	RetryAt time.Time // when to try again, if not allowed
}

// NewBreaker keeps its keys under prefix ("" in production; tests isolate
// themselves with one).
func NewBreaker(rdb goredis.UniversalClient, prefix string, threshold int, cooldown time.Duration) *Breaker {
	if threshold < 1 {
		threshold = 5
	}
	if cooldown <= 0 {
		cooldown = 30 * time.Second
	}
	return &Breaker{rdb: rdb, prefix: prefix, threshold: threshold, cooldown: cooldown}
}

func (b *Breaker) key(channel string) string { return b.prefix + "distribution:breaker:" + channel }

// The scripts take the caller's clock (ms) so tests can move time; Redis
// keeps the state, the callers agree on time within clock skew, which is
// far below the cooldown.
var (
	breakerAllow = goredis.NewScript(`
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
local now = tonumber(ARGV[1])
if open_until == 0 then return {1, 0} end
if now < open_until then return {0, open_until} end
local probe_until = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
if now < probe_until then return {0, probe_until} end
redis.call('HSET', KEYS[1], 'probe_until', now + tonumber(ARGV[2]))
return {2, 0}`)
	breakerFailure = goredis.NewScript(`
local now = tonumber(ARGV[1])
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local open_until = tonumber(redis.call('HGET', KEYS[1], 'open_until') or '0')
if open_until > 0 or failures >= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'open_until', now + tonumber(ARGV[3]), 'probe_until', 0)
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 20)
return failures`)
)

// Allow asks whether a call to channel may go out now.
func (b *Breaker) Allow(ctx context.Context, channel string, now time.Time) (BreakerState, error) {
	// The probe holds the half-open slot for as long as a call may take.
	res, err := breakerAllow.Run(ctx, b.rdb, []string{b.key(channel)}, now.UnixMilli(), b.cooldown.Milliseconds()).Int64Slice()
	if err != nil {
		return BreakerState{}, fmt.Errorf("distribution: breaker %s: %w", channel, err)
	}
	switch res[0] {
	case 1:
		return BreakerState{Allowed: true}, nil
	case 2:
		return BreakerState{Allowed: true, Probe: true}, nil
	default:
		return BreakerState{RetryAt: time.UnixMilli(res[1])}, nil
	}
}

// Success closes the breaker.
func (b *Breaker) Success(ctx context.Context, channel string) error {
	return b.rdb.Del(ctx, b.key(channel)).Err()
}

// Failure counts a failed call; enough in a row (or a failed probe) opens
// the breaker.
func (b *Breaker) Failure(ctx context.Context, channel string, now time.Time) error {
	return breakerFailure.Run(ctx, b.rdb, []string{b.key(channel)}, now.UnixMilli(), b.threshold, b.cooldown.Milliseconds()).Err()
}
