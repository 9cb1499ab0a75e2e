package redis

import (
	"context"
	"net"
	"sync/atomic"

	goredis "github.com/redis/go-redis/v9"
)

// RoundTrips is a go-redis hook counting round trips to Redis: a command
// or a pipeline is one (a script's NOSCRIPT retry inside Script.Run is a
// second). Total counts every one on the client; a context from Counting
// also counts its own (one request's), so a test or the bench can tell the
// round trips of one submit from the rest. Install it with
// client.AddHook(&RoundTrips{}). On a cluster client it counts calls: a
// pipeline whose keys are on several shards counts once here but is one
// network round trip per shard, which is why a submit keeps all its keys
// under the event's hash tag (participation).
type RoundTrips struct{ total atomic.Int64 }

type countKey struct{}

// Counting returns ctx with a counter of the round trips made with it.
func Counting(ctx context.Context) (context.Context, *atomic.Int64) {
	n := &atomic.Int64{}
	return context.WithValue(ctx, countKey{}, n), n
}

// Total is the number of round trips since the hook was installed.
func (r *RoundTrips) Total() int64 { return r.total.Load() }

func (r *RoundTrips) count(ctx context.Context) {
	r.total.Add(1)
	if n, ok := ctx.Value(countKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

func (r *RoundTrips) DialHook(next goredis.DialHook) goredis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (r *RoundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		r.count(ctx)
		return next(ctx, cmd)
	}
}

func (r *RoundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		r.count(ctx)
		return next(ctx, cmds)
	}
}
