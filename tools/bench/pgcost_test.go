package bench

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	"github.com/eventmkt/backend/shared/testenv"
)

// The hook counts one round trip per command and per pipeline, and the
// calls under a marked context apart.
func TestRoundTripCounter(t *testing.T) {
	rdb := testenv.RedisClient(t)
	h := &rtCounter{}
	rdb.AddHook(h)
	ctx := context.Background()
	var hot atomic.Int64
	hctx := context.WithValue(ctx, hotKey{}, &hot)
	key := testenv.Name("bench-rt")
	rdb.Set(ctx, key, "1", 0) // 1, not hot
	pipe := rdb.Pipeline()    // 1 round trip for three commands, hot
	pipe.Get(hctx, key)
	pipe.Incr(hctx, key)
	pipe.Del(hctx, key)
	if _, err := pipe.Exec(hctx); err != nil {
		t.Fatal(err)
	}
	rdb.Exists(hctx, key) // 1, hot
	if all, h := h.all.Load(), hot.Load(); all != 3 || h != 2 {
		t.Fatalf("counted %d round trips, %d hot; want 3, 2", all, h)
	}
}

// procTicks reads this process's own CPU counters.
func TestProcTicks(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	for i := 0; i < 3e7; i++ { // burn a few ticks
		_ = i * i
	}
	if n, err := procTicks(os.Getpid()); err != nil || n < 0 {
		t.Fatalf("procTicks = %d, %v", n, err)
	}
}
