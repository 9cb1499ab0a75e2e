package queue_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
)

// countingPublisher wraps the real broker to count sends per message id.
type countingPublisher struct {
	queue.Publisher
	mu    sync.Mutex
	sends map[string]int
}

func (c *countingPublisher) Publish(ctx context.Context, m queue.Message) error {
	c.mu.Lock()
	c.sends[m.ID]++
	c.mu.Unlock()
	return c.Publisher.Publish(ctx, m)
}

func msg(t *testing.T, i int) queue.Message {
	t.Helper()
	m, err := queue.NewMessage(fmt.Sprintf("m-%04d", i), queue.AnalyticsEvents, "EventCreated", "ev", map[string]int{"n": i})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func unsent(t *testing.T, db *postgres.DB) (n int) {
	t.Helper()
	if err := db.QueryRow(context.Background(), "SELECT count(*) FROM outbox.messages WHERE sent_at IS NULL").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOutboxRollbackSendsNothing(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	broker := queue.NewRedisStreams(rdb, prefix)
	ob := queue.NewOutbox(db, broker, testenv.Logger(t))
	ctx := context.Background()

	boom := errors.New("boom")
	err := ob.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := ob.Enqueue(ctx, tx, msg(t, 1)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the callback's error", err)
	}
	if r, err := ob.Relay(ctx, 100); err != nil || r.Sent != 0 {
		t.Fatalf("relay after rollback: %+v %v", r, err)
	}
	var rows int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM outbox.messages").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	n, err := rdb.XLen(ctx, broker.Stream(queue.AnalyticsEvents)).Result()
	if err != nil {
		t.Fatal(err)
	}
	if rows != 0 || n != 0 {
		t.Errorf("after rollback: %d outbox rows, %d stream entries; want 0 and 0", rows, n)
	}
}

func TestOutboxCommitSendsImmediately(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	broker := queue.NewRedisStreams(rdb, prefix)
	ob := queue.NewOutbox(db, broker, testenv.Logger(t))
	ctx := context.Background()
	err := ob.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		return ob.Enqueue(ctx, tx, msg(t, 1), msg(t, 2))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := rdb.XLen(ctx, broker.Stream(queue.AnalyticsEvents)).Val(); got != 2 {
		t.Errorf("stream holds %d messages, want 2", got)
	}
	if n := unsent(t, db); n != 0 {
		t.Errorf("%d unsent after commit, want 0", n)
	}
}

func TestOutboxRelaySendsAfterBrokerReturns(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()

	// A broker nobody listens on: the commit must stand, the send must wait.
	deadClient, err := redis.Open("redis://127.0.0.1:1/0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer deadClient.Close()
	down := queue.NewOutbox(db, queue.NewRedisStreams(deadClient, prefix), testenv.Logger(t))
	down.SendTimeout = 500 * time.Millisecond
	if err := down.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		return down.Enqueue(ctx, tx, msg(t, 1))
	}); err != nil {
		t.Fatalf("commit must succeed while the broker is down: %v", err)
	}
	if n := unsent(t, db); n != 1 {
		t.Fatalf("%d unsent, want 1", n)
	}
	if _, err := down.Relay(ctx, 10); err == nil {
		t.Fatal("relay against a dead broker reported success")
	}
	var attempts int
	var lastErr string
	if err := db.QueryRow(ctx, "SELECT attempts, last_error FROM outbox.messages").Scan(&attempts, &lastErr); err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || lastErr == "" {
		t.Errorf("attempts %d, last error %q: want 2 attempts recorded with the error", attempts, lastErr)
	}

	broker := queue.NewRedisStreams(rdb, prefix)
	up := queue.NewOutbox(db, broker, testenv.Logger(t))
	r, err := up.Relay(ctx, 10)
	if err != nil || r.Sent != 1 {
		t.Fatalf("relay once the broker is back: %+v %v", r, err)
	}
	if r, err := up.Relay(ctx, 10); err != nil || r.Sent != 0 {
		t.Errorf("a second relay sent %d again (%v)", r.Sent, err)
	}
	if got := rdb.XLen(ctx, broker.Stream(queue.AnalyticsEvents)).Val(); got != 1 {
		t.Errorf("stream holds %d, want 1", got)
	}
}

func TestConcurrentRelaysSendEachMessageOnce(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	broker := queue.NewRedisStreams(rdb, prefix)
	counter := &countingPublisher{Publisher: broker, sends: map[string]int{}}

	const total = 300
	// Enqueued outside InTx: nothing sent until a relay runs.
	ob := queue.NewOutbox(db, counter, testenv.Logger(t))
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		for i := range total {
			if err := ob.Enqueue(ctx, tx, msg(t, i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var sent atomic.Int64
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			relay := queue.NewOutbox(db, counter, testenv.Logger(t))
			r, err := relay.Relay(ctx, 25)
			if err != nil {
				t.Error(err)
			}
			sent.Add(int64(r.Sent))
		}()
	}
	wg.Wait()
	if sent.Load() != total || len(counter.sends) != total {
		t.Errorf("relays sent %d (%d distinct), want %d", sent.Load(), len(counter.sends), total)
	}
	for id, n := range counter.sends {
		if n != 1 {
			t.Errorf("message %s published %d times", id, n)
		}
	}
	if got := rdb.XLen(ctx, broker.Stream(queue.AnalyticsEvents)).Val(); got != total {
		t.Errorf("stream holds %d, want %d", got, total)
	}
}

func TestOnceAppliesADuplicateOnce(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, "CREATE TABLE public.counter (n int NOT NULL); INSERT INTO public.counter VALUES (0)"); err != nil {
		t.Fatal(err)
	}
	apply := func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE public.counter SET n = n + 1")
		return err
	}
	// The same message delivered twice in a row, then ten times at once.
	var applied atomic.Int64
	for range 2 {
		ok, err := queue.Once(ctx, db, "test", "dup-1", apply)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			applied.Add(1)
		}
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := queue.Once(ctx, db, "test", "dup-2", apply)
			if err != nil {
				t.Error(err)
			}
			if ok {
				applied.Add(1)
			}
		}()
	}
	wg.Wait()
	// Another consumer of the same message applies its own effect once.
	if ok, err := queue.Once(ctx, db, "other", "dup-1", apply); err != nil || !ok {
		t.Errorf("a second consumer must see the message as new: applied %v, err %v", ok, err)
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT n FROM public.counter").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 || applied.Load() != 2 {
		t.Errorf("counter %d, applied %d; want 3 and 2", n, applied.Load())
	}
	// A failing effect records nothing, so the redelivery tries again.
	boom := errors.New("boom")
	if _, err := queue.Once(ctx, db, "test", "dup-3", func(pgx.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if ok, err := queue.Once(ctx, db, "test", "dup-3", apply); !ok || err != nil {
		t.Errorf("retry after failure: applied %v, err %v", ok, err)
	}
}

// A hot path writes its message with EnqueueSQL in its own statement and
// notifies the background sender, which sends in batches.
func TestEnqueueSQLAndBatchedSender(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	broker := queue.NewRedisStreams(rdb, prefix)
	counter := &countingPublisher{Publisher: broker, sends: map[string]int{}}
	ob := queue.NewOutbox(db, counter, testenv.Logger(t))
	ctx := context.Background()
	var ids []string
	for i := range 150 {
		m := msg(t, i)
		args, err := queue.EnqueueArgs(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, queue.EnqueueSQL(1), args...); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { ob.Run(runCtx); close(done) }()
	ob.Notify(ids...)
	deadline := time.Now().Add(5 * time.Second)
	for unsent(t, db) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-done
	if n := unsent(t, db); n != 0 || len(counter.sends) != 150 {
		t.Fatalf("%d unsent, %d sent", n, len(counter.sends))
	}
	if got := rdb.XLen(ctx, broker.Stream(queue.AnalyticsEvents)).Val(); got != 150 {
		t.Errorf("stream holds %d", got)
	}
	if _, err := queue.EnqueueArgs(queue.Message{Queue: "q", Body: []byte(`{}`)}); err == nil {
		t.Error("a message without an id was accepted")
	}
}

// On Service Bus the relay and the background sender send the outbox's rows
// in message batches, one series per queue, with the row ids as message ids;
// a message that cannot be sent leaves only its own row unsent.
func TestOutboxSendsServiceBusBatches(t *testing.T) {
	t.Parallel()
	const perQueue, limit, size = 25, 1000, 100 // 10 messages a batch
	queues := []string{queue.AnalyticsEvents, queue.DistributionJobs}
	body := func(n int) map[string]string { return map[string]string{"p": strings.Repeat("x", n-8)} }
	for _, via := range []string{"relay", "background sender"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			db := testenv.Postgres(t)
			sb, bus := queue.NewFakeServiceBus(limit)
			ob := queue.NewOutbox(db, sb, testenv.Logger(t))
			ctx := context.Background()

			var all []string
			want := map[string][]string{} // ids per queue, in order
			err := db.InTx(ctx, func(tx pgx.Tx) error {
				for i := range perQueue {
					for _, q := range queues {
						m, err := queue.NewMessage(fmt.Sprintf("%s-%02d", q, i), q, "EventCreated", "ev", body(size))
						if err != nil {
							return err
						}
						if err := ob.Enqueue(ctx, tx, m); err != nil {
							return err
						}
						all, want[q] = append(all, m.ID), append(want[q], m.ID)
					}
					if i == perQueue/2 { // too large for any batch, between the others
						big, err := queue.NewMessage("too-big", queues[0], "EventCreated", "ev", body(limit+1))
						if err != nil {
							return err
						}
						if err := ob.Enqueue(ctx, tx, big); err != nil {
							return err
						}
						all = append(all, big.ID)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			switch via {
			case "relay":
				r, err := ob.Relay(ctx, 100)
				if err == nil || r.Sent != 2*perQueue || r.Failed != 1 {
					t.Errorf("relay: %+v, %v; want %d sent, 1 failed and its error", r, err, 2*perQueue)
				}
			case "background sender":
				ob.Notify(all...)
				runCtx, stop := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { ob.Run(runCtx); close(done) }()
				deadline := time.Now().Add(5 * time.Second)
				for unsent(t, db) > 1 && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
				stop()
				<-done
			}

			for _, q := range queues {
				var got []string
				for _, b := range bus.Batches(q) {
					got = append(got, b...)
				}
				if n := len(bus.Batches(q)); n != (perQueue+9)/10 {
					t.Errorf("%s: %d batch sends, want %d", q, n, (perQueue+9)/10)
				}
				if s := bus.Singles(q); len(s) != 0 {
					t.Errorf("%s: %d single sends, want none", q, len(s))
				}
				if !slices.Equal(got, want[q]) {
					t.Errorf("%s: sent %v, want %v", q, got, want[q])
				}
			}
			rows, err := db.Query(ctx, "SELECT message_id, attempts, coalesce(last_error, '') FROM outbox.messages WHERE sent_at IS NULL")
			if err != nil {
				t.Fatal(err)
			}
			type row struct {
				ID       string
				Attempts int
				TooLarge bool
			}
			left, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
				var x row
				var lastErr string
				err := r.Scan(&x.ID, &x.Attempts, &lastErr)
				x.TooLarge = strings.Contains(lastErr, "too large")
				return x, err
			})
			if err != nil {
				t.Fatal(err)
			}
			if wantLeft := []row{{"too-big", 1, true}}; !slices.Equal(left, wantLeft) {
				t.Errorf("unsent rows %+v, want %+v", left, wantLeft)
			}
		})
	}
}

// rejecting is the real local broker refusing one message id for good (as
// Service Bus refuses a message too large for any batch).
type rejecting struct {
	*queue.RedisStreams
	id string
}

func (r rejecting) PublishAll(ctx context.Context, msgs []queue.Message) []error {
	errs := make([]error, len(msgs))
	var rest []queue.Message
	var at []int
	for i, m := range msgs {
		if m.ID == r.id {
			errs[i] = errors.New("rejected")
			continue
		}
		rest, at = append(rest, m), append(at, i)
	}
	for j, err := range r.RedisStreams.PublishAll(ctx, rest) {
		errs[at[j]] = err
	}
	return errs
}

// A message the broker refuses for good stays in the outbox alone: the relay
// goes on past it, run after run, and still reports it.
func TestRelayGoesOnPastARefusedMessage(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	ctx := context.Background()
	broker := queue.NewRedisStreams(rdb, prefix)
	ob := queue.NewOutbox(db, rejecting{broker, "m-0000"}, testenv.Logger(t))
	const total = 50
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		for i := range total {
			if err := ob.Enqueue(ctx, tx, msg(t, i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := ob.Relay(ctx, 10)
	if err == nil || r.Sent != total-1 {
		t.Errorf("relay: %+v, %v; want %d sent and the refusal reported", r, err, total-1)
	}
	if n := unsent(t, db); n != 1 {
		t.Errorf("%d unsent, want 1 (the refused one)", n)
	}
	if got := rdb.XLen(ctx, broker.Stream(queue.AnalyticsEvents)).Val(); got != total-1 {
		t.Errorf("stream holds %d, want %d", got, total-1)
	}
	// The timer still purges what was sent long ago.
	if _, err := db.Exec(ctx, "UPDATE outbox.messages SET sent_at = now() - interval '8 days' WHERE message_id = 'm-0001'"); err != nil {
		t.Fatal(err)
	}
	if r, purged, err := ob.RelayTick(ctx); err == nil || r.Sent != 0 || purged != 1 {
		t.Errorf("relay tick: %+v, purged %d, %v; want nothing sent, 1 purged, the refusal reported", r, purged, err)
	}
}
