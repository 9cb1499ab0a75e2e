package redis_test

import (
	"context"
	"testing"

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
