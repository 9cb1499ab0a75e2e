package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
)

// A burst up to the rate passes, the next waits; 0 is off.
func TestLimiter(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := redis.NewLimiter(rdb)
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		perMinute int
		calls     int
		wantWaits []bool
	}{
		{"two per minute", 2, 3, []bool{false, false, true}},
		{"off", 0, 3, []bool{false, false, false}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			key := prefix + tt.name
			t.Cleanup(func() { rdb.Del(context.Background(), "rate:"+key) })
			for i := range tt.calls {
				wait, err := l.Allow(ctx, key, tt.perMinute)
				if err != nil || (wait > 0) != tt.wantWaits[i] {
					t.Errorf("call %d: wait %v, err %v; want waiting %v", i+1, wait, err, tt.wantWaits[i])
				}
			}
		})
	}
}

// Several limits in one round trip: each is charged as a call of its own;
// the answer is the longest wait among those that refused.
func TestLimiterAllowAll(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	l := redis.NewLimiter(rdb)
	ctx := context.Background()
	t.Cleanup(func() { rdb.Del(context.Background(), "rate:"+prefix+"a", "rate:"+prefix+"b") })
	a, b := redis.Limit{Key: prefix + "a", PerMinute: 3}, redis.Limit{Key: prefix + "b", PerMinute: 1}
	if wait, err := l.AllowAll(ctx, a, b, redis.Limit{Key: prefix + "off"}); wait != 0 || err != nil {
		t.Fatalf("first: %v %v", wait, err)
	}
	wait, err := l.AllowAll(ctx, a, b) // b refuses: one per minute
	if err != nil || wait < 55*time.Second || wait > time.Minute {
		t.Fatalf("second: %v %v; want about a minute", wait, err)
	}
	if wait, err := l.Allow(ctx, prefix+"a", 3); wait != 0 || err != nil { // a's third
		t.Fatalf("a alone: %v %v", wait, err)
	}
	if wait, err := l.Allow(ctx, prefix+"a", 3); wait == 0 || wait > 20*time.Second || err != nil {
		t.Fatalf("a's fourth: %v %v; want a wait up to 20 s", wait, err)
	}
	if ttl := rdb.TTL(ctx, "rate:"+prefix+"b").Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("limiter key TTL %v", ttl)
	}
	if n := rdb.Exists(ctx, "rate:"+prefix+"off").Val(); n != 0 {
		t.Error("a limit that is off left a key")
	}
}
