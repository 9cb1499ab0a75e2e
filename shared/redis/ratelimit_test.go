package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
)

// A burst up to the rate passes, the next waits one period/rate; 0 is off.
// The limiter's keys live under its prefix, so tests isolate by prefix.
func TestLimiter(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := redis.NewLimiter(rdb, prefix)
	ctx := context.Background()
	for _, tt := range []struct {
		name     string
		lim      redis.Limit
		calls    int
		wantWait []bool
		// the refused call's wait lies in (minWait, period/rate]
		minWait time.Duration
	}{
		{"two per minute", redis.Limit{Key: "minute", Rate: 2}, 3, []bool{false, false, true}, 25 * time.Second},
		{"two per hour", redis.Limit{Key: "hour", Rate: 2, Period: time.Hour}, 3, []bool{false, false, true}, 29 * time.Minute},
		{"off", redis.Limit{Key: "off"}, 3, []bool{false, false, false}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.calls {
				wait, err := l.AllowAll(ctx, tt.lim)
				if err != nil || (wait > 0) != tt.wantWait[i] {
					t.Fatalf("call %d: wait %v, err %v; want waiting %v", i+1, wait, err, tt.wantWait[i])
				}
				period := max(tt.lim.Period, time.Minute)
				if wait > 0 && (wait <= tt.minWait || wait > period/time.Duration(tt.lim.Rate)) {
					t.Errorf("call %d: wait %v, want within (%v, %v]", i+1, wait, tt.minWait, period/time.Duration(tt.lim.Rate))
				}
			}
			ttl := rdb.TTL(ctx, prefix+"rate:"+tt.lim.Key).Val()
			if period := max(tt.lim.Period, time.Minute); tt.lim.Rate > 0 && (ttl <= 0 || ttl > period) {
				t.Errorf("key %s TTL %v, want within (0, %v]", prefix+"rate:"+tt.lim.Key, ttl, period)
			}
			if tt.lim.Rate <= 0 && rdb.Exists(ctx, l.Key(tt.lim)).Val() != 0 {
				t.Error("a limit that is off left a key")
			}
		})
	}
}

// Several limits in one round trip: each is charged as a call of its own;
// the answer is the longest wait among those that refused.
func TestLimiterAllowAll(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := redis.NewLimiter(rdb, prefix)
	ctx := context.Background()
	a, b := redis.Limit{Key: "a", Rate: 3}, redis.Limit{Key: "b", Rate: 1}
	if wait, err := l.AllowAll(ctx, a, b, redis.Limit{Key: "off"}); wait != 0 || err != nil {
		t.Fatalf("first: %v %v", wait, err)
	}
	wait, err := l.AllowAll(ctx, a, b) // b refuses: one per minute
	if err != nil || wait < 55*time.Second || wait > time.Minute {
		t.Fatalf("second: %v %v; want about a minute", wait, err)
	}
	if wait, err := l.Allow(ctx, "a", 3); wait != 0 || err != nil { // a's third
		t.Fatalf("a alone: %v %v", wait, err)
	}
	if wait, err := l.Allow(ctx, "a", 3); wait == 0 || wait > 20*time.Second || err != nil {
		t.Fatalf("a's fourth: %v %v; want a wait up to 20 s", wait, err)
	}
	if ttl := rdb.TTL(ctx, prefix+"rate:b").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("limiter key TTL %v", ttl)
	}
	if n := rdb.Exists(ctx, prefix+"rate:off").Val(); n != 0 {
		t.Error("a limit that is off left a key")
	}
}

// A limit queued on a caller's pipeline is charged with the caller's
// commands and answers like AllowAll, period included.
func TestLimiterQueue(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := redis.NewLimiter(rdb, prefix)
	ctx := context.Background()
	lim := redis.Limit{Key: "q", Rate: 1, Period: time.Hour}
	if _, err := l.Allow(ctx, "warm", 1); err != nil { // loads the script, as a first AllowAll does
		t.Fatal(err)
	}
	for i, want := range []bool{false, true} {
		pipe := rdb.Pipeline()
		p, off := l.Queue(ctx, pipe, lim), l.Queue(ctx, pipe, redis.Limit{Key: "off"})
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		wait, err := p.Wait(ctx, rdb)
		if err != nil || (wait > 0) != want || (want && (wait < 59*time.Minute || wait > time.Hour)) {
			t.Errorf("call %d: wait %v, err %v; want waiting %v (about an hour)", i+1, wait, err, want)
		}
		if w, err := off.Wait(ctx, rdb); w != 0 || err != nil {
			t.Errorf("off: %v %v", w, err)
		}
	}
}
