package devhost

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/infra"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
)

// deliveries maps message ids to the delivery counts the handler saw.
func (r *rig) deliveries() map[string][]int {
	out := map[string][]int{}
	for _, rec := range r.records("queue") {
		id := rec["messageId"].(string)
		out[id] = append(out[id], int(rec["deliveryCount"].(float64)))
	}
	return out
}

func (r *rig) deadLetters(q string) []goredis.XMessage {
	r.t.Helper()
	msgs, err := r.host.opt.Redis.XRange(context.Background(), r.broker.DeadLetterStream(q), "-", "+").Result()
	if err != nil {
		r.t.Fatal(err)
	}
	return msgs
}

// Each queue dead-letters after its own maxDeliveryCount from the table:
// "work" after 4 deliveries, "work-b" after 2.
func TestQueueMaxDeliveryCountPerQueue(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work", "WorkB"}, nil)
	r.publishTo("work", "poison-a", `{"action":"fail"}`)
	r.publishTo("work-b", "poison-b", `{"action":"fail"}`)
	waitFor(t, 30*time.Second, "both dead letters", func() bool {
		return len(r.deadLetters("work")) == 1 && len(r.deadLetters("work-b")) == 1
	})
	got := r.deliveries()
	for id, want := range map[string]string{"poison-a": "[1 2 3 4]", "poison-b": "[1 2]"} {
		if fmt.Sprint(got[id]) != want {
			t.Errorf("%s delivered with counts %v, want %s", id, got[id], want)
		}
	}
	for q, id := range map[string]string{"work": "poison-a", "work-b": "poison-b"} {
		d := r.deadLetters(q)[0]
		if d.Values[queue.FieldMessageID] != id || d.Values["deadLetterReason"] != "MaxDeliveryCountExceeded" {
			t.Errorf("%s dead letter: %v", q, d.Values)
		}
	}
}

// Each queue's lock lasts its own lockDuration: an orphaned message on
// "work" (2 s) comes back while one on "work-b" (5 min) stays locked.
func TestQueueLockDurationPerQueue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	broker := queue.NewRedisStreams(rdb, prefix)
	for _, q := range []string{"work", "work-b"} {
		if err := rdb.XGroupCreateMkStream(ctx, broker.Stream(q), consumerGroup, "0").Err(); err != nil {
			t.Fatal(err)
		}
		if err := broker.Publish(ctx, queue.Message{ID: "orphan-" + q, Queue: q, Body: []byte(`{"action":"ok"}`)}); err != nil {
			t.Fatal(err)
		}
		// Another host took the message and vanished without settling it.
		if _, err := rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{Group: consumerGroup, Consumer: "dead-host", Streams: []string{broker.Stream(q), ">"}, Count: 1}).Result(); err != nil {
			t.Fatal(err)
		}
	}
	r := startRig(t, []string{"Work", "WorkB"}, func(o *Options) { o.Redis, o.QueuePrefix = rdb, prefix })
	waitFor(t, 30*time.Second, "the short-lock orphan's redelivery", func() bool { return len(r.records("queue")) >= 1 })
	time.Sleep(300 * time.Millisecond) // a few reaper rounds of "work-b" (every 100 ms at most)
	got := r.deliveries()
	if fmt.Sprint(got["orphan-work"]) != "[2]" || len(got["orphan-work-b"]) != 0 {
		t.Errorf("deliveries %v: want orphan-work again with count 2, orphan-work-b still locked (5 min)", got)
	}
	if p, err := rdb.XPending(ctx, broker.Stream("work-b"), consumerGroup).Result(); err != nil || p.Count != 1 {
		t.Errorf("work-b pending: %+v %v, want the orphan still locked", p, err)
	}
}

// A message older than its queue's defaultMessageTimeToLive is not
// delivered: on "work" (deadLetteringOnMessageExpiration) it is
// dead-lettered with TTLExpiredException, on "work-b" it is dropped. A
// delivered message's ExpiresAtUtc is its EnqueuedTimeUtc plus the queue's TTL.
func TestQueueTTLPerQueue(t *testing.T) {
	t.Parallel()
	r := startRig(t, []string{"Work", "WorkB"}, nil)
	ctx := context.Background()
	rdb := r.host.opt.Redis
	// Enqueued 2 h ago: past "work"'s 1 h; "old-b" 4 h ago: past "work-b"'s 3 h.
	for _, m := range []struct {
		q, id string
		age   time.Duration
	}{{"work", "old-a", 2 * time.Hour}, {"work-b", "old-b", 4 * time.Hour}} {
		fields := queue.Fields(queue.Message{ID: m.id, Queue: m.q, Subject: "Test", Body: []byte(`{"action":"ok"}`)}, time.Now().Add(-m.age))
		fields[queue.FieldSequence] = "1"
		if err := rdb.XAdd(ctx, &goredis.XAddArgs{Stream: r.broker.Stream(m.q), Values: fields}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	r.publishTo("work", "fresh-a", `{"action":"ok"}`)
	r.publishTo("work-b", "fresh-b", `{"action":"ok"}`)
	waitFor(t, 30*time.Second, "the fresh deliveries and the expiry", func() bool {
		got := r.deliveries()
		return len(got["fresh-a"]) == 1 && len(got["fresh-b"]) == 1 && len(r.deadLetters("work")) == 1
	})
	waitFor(t, 10*time.Second, "the work-b stream to empty", func() bool {
		n, _ := rdb.XLen(ctx, r.broker.Stream("work-b")).Result()
		return n == 0
	})
	got := r.deliveries()
	if len(got["old-a"]) != 0 || len(got["old-b"]) != 0 {
		t.Errorf("expired messages were delivered: %v", got)
	}
	d := r.deadLetters("work")[0].Values
	if d[queue.FieldMessageID] != "old-a" || d["deadLetterReason"] != "TTLExpiredException" || !strings.Contains(d["deadLetterErrorDescription"].(string), "1h0m0s") {
		t.Errorf("work dead letter: %v", d)
	}
	if n := len(r.deadLetters("work-b")); n != 0 {
		t.Errorf("work-b has %d dead letters; without deadLetteringOnMessageExpiration expired messages are dropped", n)
	}
	// Requeued from the dead letters it is a new message: delivered, not expired again.
	resp, err := http.Post(r.base+"/admin/queues/work/deadletters/requeue", "application/json", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("requeue: %v %v", resp, err)
	}
	resp.Body.Close()
	waitFor(t, 10*time.Second, "the requeued delivery", func() bool { return len(r.deliveries()["old-a"]) == 1 })
	// ExpiresAtUtc - EnqueuedTimeUtc is the queue's TTL.
	for _, rec := range r.records("queue") {
		meta := rec["raw"].(map[string]any)["Metadata"].(map[string]any)
		enq, err1 := time.Parse(utcLayout, meta["EnqueuedTimeUtc"].(string))
		exp, err2 := time.Parse(utcLayout, meta["ExpiresAtUtc"].(string))
		want := map[string]time.Duration{"fresh-a": time.Hour, "old-a": time.Hour, "fresh-b": 3 * time.Hour}[rec["messageId"].(string)]
		if err1 != nil || err2 != nil || exp.Sub(enq) != want {
			t.Errorf("%s: ExpiresAtUtc %v - EnqueuedTimeUtc %v = %v, want %v (%v %v)", rec["messageId"], exp, enq, exp.Sub(enq), want, err1, err2)
		}
	}
}

// A function on a queue the table lacks does not start: Azure would have no
// such queue.
func TestQueueNotInTableRefused(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	_ = os.WriteFile(filepath.Join(root, "host.json"), []byte(testHostJSON), 0o644)
	_ = os.MkdirAll(filepath.Join(root, "functions", "WorkB"), 0o755)
	_ = os.WriteFile(filepath.Join(root, "functions", "WorkB", "function.json"), []byte(testFunctions["WorkB"]), 0o644)
	rdb, prefix := testenv.Redis(t)
	tbl := testQueues()
	delete(tbl, "work-b")
	_, err := New(Options{Root: root, Handler: "/bin/false", Redis: rdb, QueuePrefix: prefix, Queues: tbl, Log: testenv.Logger(t)})
	if err == nil || !strings.Contains(err.Error(), `WorkB triggers on queue "work-b", which is not in the queue table`) {
		t.Errorf("got %v, want the missing queue named", err)
	}
}

// The repository's own functions all trigger on queues in the embedded
// table, and the host applies that table's row to each of them.
func TestRepositoryQueuesUseTable(t *testing.T) {
	t.Parallel()
	tbl, err := queue.ParseTable(infra.QueuesJSON)
	if err != nil {
		t.Fatal(err)
	}
	rdb, prefix := testenv.Redis(t)
	h, err := New(Options{Root: "../..", Handler: "/bin/false", Redis: rdb, QueuePrefix: prefix, Queues: tbl, Log: testenv.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Queues []struct {
			Name             string `json:"name"`
			MaxDeliveryCount int    `json:"maxDeliveryCount"`
		} `json:"queues"`
	}
	if err := json.Unmarshal(infra.QueuesJSON, &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, q := range raw.Queues {
		want[q.Name] = q.MaxDeliveryCount
	}
	n := 0
	for _, fn := range h.App().Functions {
		if fn.Kind != KindQueue {
			continue
		}
		n++
		if got := h.opt.Queues[fn.Queue].MaxDeliveryCount; got != want[fn.Queue] || got == 0 {
			t.Errorf("%s (%s): maxDeliveryCount %d, table says %d", fn.Name, fn.Queue, got, want[fn.Queue])
		}
	}
	if n != len(want) {
		t.Errorf("%d queue functions, %d queues in the table", n, len(want))
	}
}
