package distribution

import (
	"context"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/testenv"
)

// near: gobreaker times its state on the wall clock, which the store maps
// to the service's clock between two readings of each.
func near(got, want time.Time) bool { return got.Sub(want).Abs() < time.Second }

// Two instances share a channel's breaker through Redis: failures either of
// them sees open it for both; after the cooldown one probe goes out across
// both; its outcome closes or reopens it. Other channels are untouched.
func TestBreakerSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	const KT = "KT"
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	clk := testenv.NewClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	a := NewBreaker(rdb, prefix, 3, 30*time.Second, clk.Now)
	b := NewBreaker(rdb, prefix, 3, 30*time.Second, clk.Now)
	allow := func(br *Breaker, ch string) BreakerState {
		t.Helper()
		st, err := br.Allow(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	fail := func(br *Breaker) {
		t.Helper()
		if err := br.Failure(ctx, KT); err != nil {
			t.Fatal(err)
		}
	}
	fail(a)
	fail(b)
	if err := a.Success(ctx, KT); err != nil { // a success in between resets the count
		t.Fatal(err)
	}
	fail(a)
	fail(b)
	if st := allow(b, KT); !st.Allowed || st.Probe {
		t.Fatalf("two failures in a row (threshold 3): %+v, want closed", st)
	}
	fail(a)
	opened := clk.Now()
	for name, br := range map[string]*Breaker{"a": a, "b": b} {
		if st := allow(br, KT); st.Allowed || !near(st.RetryAt, opened.Add(30*time.Second)) {
			t.Fatalf("instance %s after three failures: %+v, want open until %v", name, st, opened.Add(30*time.Second))
		}
	}
	if st := allow(a, "OTHER"); !st.Allowed {
		t.Fatalf("another channel: %+v", st)
	}

	clk.Advance(29 * time.Second)
	if st := allow(a, KT); st.Allowed {
		t.Fatalf("before the cooldown: %+v", st)
	}
	clk.Advance(2 * time.Second)
	if st := allow(b, KT); !st.Allowed || !st.Probe {
		t.Fatalf("after the cooldown: %+v, want the probe", st)
	}
	if st := allow(a, KT); st.Allowed || st.RetryAt.IsZero() {
		t.Fatalf("while the probe is out: %+v, want refused with a retry time", st)
	}
	fail(b) // the probe failed: open again, for a full cooldown
	if st := allow(a, KT); st.Allowed || !near(st.RetryAt, clk.Now().Add(30*time.Second)) {
		t.Fatalf("after a failed probe: %+v, want open for 30 s", st)
	}

	clk.Advance(31 * time.Second)
	if st := allow(a, KT); !st.Probe {
		t.Fatalf("second probe: %+v", st)
	}
	if err := a.Success(ctx, KT); err != nil {
		t.Fatal(err)
	}
	for name, br := range map[string]*Breaker{"a": a, "b": b} {
		if st := allow(br, KT); !st.Allowed || st.Probe {
			t.Fatalf("instance %s after a successful probe: %+v, want closed", name, st)
		}
	}
}

// A state that expired from Redis (an idle channel) starts again closed.
func TestBreakerStateExpires(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	br := NewBreaker(rdb, prefix, 1, time.Minute, nil)
	if err := br.Failure(ctx, "KT"); err != nil {
		t.Fatal(err)
	}
	if st, err := br.Allow(ctx, "KT"); err != nil || st.Allowed {
		t.Fatalf("open: %+v %v", st, err)
	}
	keys, err := testenv.RedisKeys(ctx, rdb, prefix+"*")
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys %v %v", keys, err)
	}
	for _, k := range keys {
		rdb.Del(ctx, k)
	}
	if st, err := br.Allow(ctx, "KT"); err != nil || !st.Allowed || st.Probe {
		t.Fatalf("after the state expired: %+v %v, want closed", st, err)
	}
}
