package queue_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
)

func TestRedisStreamsPublish(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	b := queue.NewRedisStreams(rdb, prefix)
	ctx := context.Background()

	m := msg(t, 7)
	m.CorrelationID = "ev-7"
	for range 3 { // the duplicate window drops resends of one id
		if err := b.Publish(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := rdb.XRange(ctx, b.Stream(queue.AnalyticsEvents), "-", "+").Result()
	if err != nil || len(entries) != 1 {
		t.Fatalf("got %d entries (%v), want 1", len(entries), err)
	}
	got, err := queue.DecodeFields(entries[0].Values)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != m.ID || got.Subject != m.Subject || got.CorrelationID != "ev-7" || string(got.Body) != string(m.Body) ||
		got.Deliveries != 0 || got.SequenceNumber != 1 || time.Since(got.EnqueuedAt) > time.Minute {
		t.Errorf("round trip: got %+v, want %+v", got, m)
	}
}

func TestRedisStreamsScheduled(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	b := queue.NewRedisStreams(rdb, prefix)
	ctx := context.Background()

	later := msg(t, 1)
	later.ScheduledAt = time.Now().Add(time.Hour)
	soon := msg(t, 2)
	soon.ScheduledAt = time.Now().Add(300 * time.Millisecond)
	for _, m := range []queue.Message{later, soon} {
		if err := b.Publish(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	stream := b.Stream(queue.AnalyticsEvents)
	if n, _ := b.PromoteDue(ctx, queue.AnalyticsEvents); n != 0 || rdb.XLen(ctx, stream).Val() != 0 {
		t.Fatalf("nothing is due yet, promoted %d", n)
	}
	time.Sleep(400 * time.Millisecond)
	if n, err := b.PromoteDue(ctx, queue.AnalyticsEvents); n != 1 || err != nil {
		t.Fatalf("promoted %d (%v), want 1", n, err)
	}
	entries, _ := rdb.XRange(ctx, stream, "-", "+").Result()
	got, err := queue.DecodeFields(entries[0].Values)
	if err != nil || got.ID != soon.ID || got.SequenceNumber != 2 {
		t.Errorf("promoted %+v (%v), want %s", got, err, soon.ID)
	}
	// As on Service Bus, a scheduled message is enqueued at its time: its
	// TTL counts from then, not from the send.
	if !got.EnqueuedAt.Equal(soon.ScheduledAt.Truncate(time.Millisecond)) && !got.EnqueuedAt.Equal(soon.ScheduledAt) {
		t.Errorf("EnqueuedAt %v, want the scheduled time %v", got.EnqueuedAt, soon.ScheduledAt)
	}
	if n := rdb.ZCard(ctx, b.ScheduledKey(queue.AnalyticsEvents)).Val(); n != 1 {
		t.Errorf("%d still scheduled, want 1", n)
	}
}

func TestPublishRefusesInvalidMessages(t *testing.T) {
	t.Parallel()
	b := queue.NewRedisStreams(goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"}), "x:")
	tests := []struct {
		name string
		m    queue.Message
	}{
		{"no id", queue.Message{Queue: "q", Body: []byte(`{}`)}},
		{"no queue", queue.Message{ID: "a", Body: []byte(`{}`)}},
		{"not json", queue.Message{ID: "a", Queue: "q", Body: []byte(`{`)}},
		{"id too long", queue.Message{ID: string(make([]byte, 129)), Queue: "q", Body: []byte(`{}`)}},
	}
	for _, tt := range tests {
		if err := b.Publish(context.Background(), tt.m); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

// PublishAll pipelines a batch, loading the script when the server lacks it.
func TestRedisStreamsPublishAll(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	noScript := &noScriptOnce{}
	rdb.AddHook(noScript) // the first batch meets NOSCRIPT
	b := queue.NewRedisStreams(rdb, prefix)
	ctx := context.Background()
	msgs := []queue.Message{msg(t, 1), msg(t, 2), {ID: "", Queue: queue.AnalyticsEvents, Body: []byte(`{}`)}, msg(t, 3)}
	errs := b.PublishAll(ctx, msgs)
	if errs[0] != nil || errs[1] != nil || errs[2] == nil || errs[3] != nil {
		t.Fatalf("errors %v", errs)
	}
	if errs := b.PublishAll(ctx, msgs[:2]); errs[0] != nil || errs[1] != nil { // duplicates: accepted, dropped
		t.Fatalf("resend: %v", errs)
	}
	if n := rdb.XLen(ctx, b.Stream(queue.AnalyticsEvents)).Val(); n != 3 || !noScript.met.Load() {
		t.Errorf("stream holds %d, want 3 (NOSCRIPT met: %t)", n, noScript.met.Load())
	}
}

// noScriptOnce makes the first pipeline's EVALSHA name a script the server
// has never seen, as after a restart or a failover, without SCRIPT FLUSH:
// that is server-wide and would hit every test sharing the server (a
// submit meeting NOSCRIPT takes extra round trips, which another package's
// test counts).
type noScriptOnce struct{ done, met atomic.Bool }

func (h *noScriptOnce) DialHook(next goredis.DialHook) goredis.DialHook          { return next }
func (h *noScriptOnce) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook { return next }
func (h *noScriptOnce) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if h.done.CompareAndSwap(false, true) {
			for _, c := range cmds {
				if c.Name() == "evalsha" {
					c.Args()[1] = strings.Repeat("0", 40)
				}
			}
		}
		err := next(ctx, cmds)
		for _, c := range cmds {
			if goredis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
				h.met.Store(true)
			}
		}
		return err
	}
}

// WithTable gives each queue the duplicate window of its table row: a resend
// after a 1 s window is a new message, within the default 10 minutes not.
func TestRedisStreamsDuplicateWindowPerQueue(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	b := queue.NewRedisStreams(rdb, prefix).WithTable(queue.Table{
		"short": {Name: "short", DuplicateWindow: time.Second},
	})
	ctx := context.Background()
	send := func(q string) {
		t.Helper()
		if err := b.Publish(ctx, queue.Message{ID: "same-id", Queue: q, Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	send("short")
	send("other")
	if ttl := rdb.PTTL(ctx, prefix+redis.Tag("short")+":dedup:same-id").Val(); ttl <= 0 || ttl > time.Second {
		t.Errorf("short queue's duplicate record lives %v, want at most its 1 s window", ttl)
	}
	time.Sleep(1100 * time.Millisecond)
	send("short")
	send("other")
	for q, want := range map[string]int64{"short": 2, "other": 1} {
		if got := rdb.XLen(ctx, b.Stream(q)).Val(); got != want {
			t.Errorf("%s: %d messages, want %d", q, got, want)
		}
	}
}
