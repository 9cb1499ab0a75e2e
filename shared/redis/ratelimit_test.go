package redis_test

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

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

// A server without the script (restarted, or a cluster shard's first use)
// answers NOSCRIPT and charges nothing; AllowAll sends those limits again
// with the script's source, so each is charged exactly once. SCRIPT FLUSH
// is server-wide, so this runs on a Redis of its own.
func TestLimiterReloadsScriptWithoutDoubleCharge(t *testing.T) {
	t.Parallel()
	rdb := privateRedis(t)
	l := redis.NewLimiter(rdb, "t:")
	ctx := context.Background()
	a := redis.Limit{Key: "a", Rate: 2, Period: time.Hour}
	b := redis.Limit{Key: "b", Rate: 3, Period: time.Hour}
	if _, err := l.AllowAll(ctx, a); err != nil { // loads the script, charges a once
		t.Fatal(err)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, true} { // a: second action passes, third waits
		wait, err := l.AllowAll(ctx, a, b)
		if err != nil || (wait > 0) != want {
			t.Fatalf("call %d after the flush: wait %v, err %v; want waiting %v", i+1, wait, err, want)
		}
	}
	// b was charged twice (once per call), never three times: one action left.
	for i, want := range []bool{false, true} {
		if wait, err := l.AllowAll(ctx, b); err != nil || (wait > 0) != want {
			t.Fatalf("b's call %d: wait %v, err %v; want waiting %v", i+3, wait, err, want)
		}
	}
}

// privateRedis starts a throw-away redis-server (the Debian package
// scripts/services.sh uses) for a test that changes server-wide state.
func privateRedis(t *testing.T) *goredis.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("redis-server (apt install redis-server): %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	rdb := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + port})
	t.Cleanup(func() { rdb.Close() })
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the private redis-server did not answer within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return rdb
}
