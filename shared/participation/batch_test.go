package participation

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
)

// batchService is a Service with only what the group commit needs.
func batchService(t *testing.T, size int, delay time.Duration) (*Service, *postgres.DB) {
	t.Helper()
	db := testenv.Postgres(t)
	log := testenv.Logger(t)
	return NewService(db, nil, queue.NewOutbox(db, nil, log), nil, nil, log, Config{BatchSize: size, BatchDelay: delay}, nil), db
}

func testRow(t *testing.T, eventID uuid.UUID, pid, phone string) entryRow {
	t.Helper()
	sub := Submission{Name: "참가", PhoneNumber: phone, AgreePrivacy: true, Channel: "WEB", Source: "DIRECT"}
	return entryRow{eventID: eventID, pid: pid, sub: sub, bonus: 1, at: time.Now(), fact: fact(pid)}
}

func fact(pid string) []byte {
	b, _ := json.Marshal(RegisteredEntry{ParticipantID: pid, BonusEntries: 1, Channel: "WEB", Source: "DIRECT", OccurredAt: time.Now()})
	return b
}

// doAll runs the rows at once and returns their results in order.
func doAll(s *Service, rows []entryRow) []entryResult {
	out := make([]entryResult, len(rows))
	var wg sync.WaitGroup
	for i, r := range rows {
		wg.Add(1)
		go func() { defer wg.Done(); out[i] = s.batch.do(context.Background(), r) }()
	}
	wg.Wait()
	return out
}

func count(t *testing.T, db *postgres.DB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// rowsOf counts an event's entry rows and the entries its outbox messages
// list (each once, each a row of the event: -1 otherwise).
func rowsOf(t *testing.T, db *postgres.DB, eventID uuid.UUID) (entries, listed int) {
	t.Helper()
	entries = count(t, db, `SELECT count(*) FROM participation.participants WHERE event_id = $1`, eventID)
	listed = count(t, db, `WITH l AS (SELECT e->>'participantId' AS pid FROM outbox.messages m, jsonb_array_elements(m.body->'entries') e
			WHERE m.correlation_id = $1::text AND m.subject = 'ParticipantsRegistered' AND m.body->>'eventId' = $1::text)
		SELECT CASE WHEN count(DISTINCT pid) = count(*) AND count(*) = count(p.id) THEN count(*) ELSE -1 END
		FROM l LEFT JOIN participation.participants p ON p.event_id = $1::uuid AND p.participant_id = l.pid`, eventID.String())
	return entries, listed
}

// Fifty submits at once, ten of them repeating a phone of the batch and
// two a phone already in the table: one row per phone, 201 for the first
// of each new phone and 409 for the rest, every entry listed once in the
// outbox (one message per batch), and far fewer commits than entries.
func TestGroupCommitDuplicates(t *testing.T) {
	t.Parallel()
	s, db := batchService(t, 64, 20*time.Millisecond)
	ev := uuid.New()
	for i, r := range doAll(s, []entryRow{testRow(t, ev, "p-old-0", "01090000000"), testRow(t, ev, "p-old-1", "01090000001")}) {
		if r.err != nil || r.outcome != entered {
			t.Fatalf("seed %d: %+v", i, r)
		}
	}
	before := s.Batches()
	var rows []entryRow
	for i := range 50 {
		rows = append(rows, testRow(t, ev, fmt.Sprintf("p-%02d", i), fmt.Sprintf("010900000%02d", i%40))) // 0..39, then 0..9 again
	}
	created, dup := 0, 0
	for i, r := range doAll(s, rows) {
		switch {
		case r.err != nil:
			t.Errorf("row %d: %v", i, r.err)
		case r.outcome == entered:
			created++
		case r.outcome == duplicate:
			dup++
		default:
			t.Errorf("row %d: outcome %d", i, r.outcome)
		}
	}
	entries, messages := rowsOf(t, db, ev)
	if created != 38 || dup != 12 || entries != 40 || messages != 40 {
		t.Errorf("201 %d, 409 %d, rows %d, entries in outbox messages %d; want 38, 12, 40, 40", created, dup, entries, messages)
	}
	if m := count(t, db, `SELECT count(*) FROM outbox.messages WHERE correlation_id = $1`, ev.String()); m != s.Batches() {
		t.Errorf("%d outbox messages for %d batches; want one per batch", m, s.Batches())
	}
	if n := count(t, db, `SELECT count(DISTINCT phone_number) FROM participation.participants WHERE event_id = $1`, ev); n != entries {
		t.Errorf("%d phones for %d rows", n, entries)
	}
	if b := s.Batches() - before; b > 10 {
		t.Errorf("%d commits for 50 entries: not grouped", b)
	}
}

// A drawn event closes all of its requests in a batch, the other event's
// go in; an entry number already taken is that request's alone (it
// retries with a new one).
func TestGroupCommitClosedEventAndTakenNumber(t *testing.T) {
	t.Parallel()
	s, db := batchService(t, 64, 20*time.Millisecond)
	drawnEv, open := uuid.New(), uuid.New()
	if _, err := db.Exec(context.Background(), `INSERT INTO participation.draw_logs (event_id, total_participants, winner_count,
		apply_store_visit_bonus, algorithm, drawn_at, drawn_by) VALUES ($1, 1, 1, false, 'RANDOM', now(), 'test')`, drawnEv); err != nil {
		t.Fatal(err)
	}
	doAll(s, []entryRow{testRow(t, open, "p-taken", "01091110000")})
	res := doAll(s, []entryRow{
		testRow(t, drawnEv, "p-1", "01091110001"), testRow(t, open, "p-2", "01091110002"),
		testRow(t, drawnEv, "p-3", "01091110003"), testRow(t, open, "p-taken", "01091110004"),
	})
	want := []outcome{drawn, entered, drawn, taken}
	for i, r := range res {
		if r.err != nil || r.outcome != want[i] {
			t.Errorf("row %d: %+v, want outcome %d", i, r, want[i])
		}
	}
	if e, m := rowsOf(t, db, drawnEv); e != 0 || m != 0 {
		t.Errorf("drawn event: %d rows, %d messages", e, m)
	}
	if e, m := rowsOf(t, db, open); e != 2 || m != 2 {
		t.Errorf("open event: %d rows, %d messages; want 2 and 2", e, m)
	}
}

// A batch whose transaction fails answers every request with the error and
// writes nothing (here one row breaks a check constraint).
func TestGroupCommitFailureWritesNothing(t *testing.T) {
	t.Parallel()
	s, db := batchService(t, 10, time.Second)
	ev := uuid.New()
	var rows []entryRow
	for i := range 10 {
		rows = append(rows, testRow(t, ev, fmt.Sprintf("p-%d", i), fmt.Sprintf("0109222%04d", i)))
	}
	rows[7].sub.Channel = "FAX" // chk_channel
	for i, r := range doAll(s, rows) {
		if r.err == nil {
			t.Errorf("row %d: no error from a failed batch (%+v)", i, r)
		}
	}
	if e, m := rowsOf(t, db, ev); e != 0 || m != 0 || s.Batches() != 1 {
		t.Errorf("%d rows, %d messages in %d batches; want nothing written, one batch", e, m, s.Batches())
	}
}

// The settings: a batch of 1 without delay is one commit per entry, as
// before; a full batch goes at once without waiting for the delay; a lone
// entry waits the delay.
func TestGroupCommitSizeAndDelay(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name          string
		size, entries int
		delay         time.Duration
		batches       int
		faster        time.Duration // the whole run, at most
		slower        time.Duration // at least
	}{
		{"one without delay", 1, 6, 0, 6, time.Second, 0},
		{"full batches do not wait", 4, 8, 10 * time.Second, 2, 5 * time.Second, 0},
		{"a lone entry waits", 10, 1, 50 * time.Millisecond, 1, time.Second, 50 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, db := batchService(t, c.size, c.delay)
			ev := uuid.New()
			var rows []entryRow
			for i := range c.entries {
				rows = append(rows, testRow(t, ev, fmt.Sprintf("p-%d", i), fmt.Sprintf("0109333%04d", i)))
			}
			start := time.Now()
			for i, r := range doAll(s, rows) {
				if r.err != nil || r.outcome != entered {
					t.Errorf("row %d: %+v", i, r)
				}
			}
			took := time.Since(start)
			if e, _ := rowsOf(t, db, ev); e != c.entries || s.Batches() != c.batches || took > c.faster || took < c.slower {
				t.Errorf("%d rows in %d batches, %v; want %d in %d, within [%v, %v]", e, s.Batches(), took, c.entries, c.batches, c.slower, c.faster)
			}
		})
	}
}

// BenchmarkGroupCommit writes distinct entries from 64 concurrent
// goroutines (b.SetParallelism over GOMAXPROCS) straight through the
// batcher: one row per commit (size 1, no delay: the old path's cost),
// grouped with the defaults (64 entries or 2 ms: one batch in flight at
// c=64) and in batches of 16 (several in flight). It reports entries per
// commit beside ns/entry; wall time on a shared 2-core box says little
// about the Postgres CPU per entry, which the bench measures.
func BenchmarkGroupCommit(b *testing.B) {
	for _, c := range []struct {
		name  string
		size  int
		delay time.Duration
	}{{"single-row", 1, 0}, {"grouped", DefaultBatchSize, DefaultBatchDelay}, {"grouped-16", 16, DefaultBatchDelay}} {
		b.Run(c.name, func(b *testing.B) {
			db := testenv.Postgres(b)
			log := testenv.Logger(b)
			s := NewService(db, nil, queue.NewOutbox(db, nil, log), nil, nil, log, Config{BatchSize: c.size, BatchDelay: c.delay}, nil)
			ev := uuid.New()
			var seq atomic.Int64
			b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := seq.Add(1)
					sub := Submission{Name: "벤치", PhoneNumber: fmt.Sprintf("010%08d", i), AgreePrivacy: true, Channel: "WEB", Source: "DIRECT"}
					pid := fmt.Sprintf("b-%d", i)
					if r := s.batch.do(context.Background(), entryRow{eventID: ev, pid: pid, sub: sub, bonus: 1, at: time.Now(), fact: fact(pid)}); r.err != nil || r.outcome != entered {
						b.Errorf("%+v", r)
					}
				}
			})
			b.ReportMetric(float64(b.N)/float64(max(s.Batches(), 1)), "entries/commit")
		})
	}
}

// The leader's request going away (a client hanging up, an invocation
// cancelled) does not cut the batch it leads: everyone's rows commit, and
// every request answered "entered" has its row and its message.
func TestGroupCommitOutlivesItsLeader(t *testing.T) {
	t.Parallel()
	s, db := batchService(t, 64, 100*time.Millisecond)
	ev := uuid.New()
	ctx, cancel := context.WithCancel(context.Background())
	lead := make(chan entryResult, 1)
	go func() { lead <- s.batch.do(ctx, testRow(t, ev, "p-lead", "01094440000")) }()
	time.Sleep(10 * time.Millisecond) // the leader opened the batch
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	var rows []entryRow
	for i := range 5 {
		rows = append(rows, testRow(t, ev, fmt.Sprintf("p-%d", i), fmt.Sprintf("0109444%04d", i+1)))
	}
	res := doAll(s, rows)
	answered := 0
	for i, r := range append(res, <-lead) {
		if r.err == nil && r.outcome == entered {
			answered++
		} else if i < len(res) {
			t.Errorf("follower %d: %+v", i, r)
		}
	}
	if e, m := rowsOf(t, db, ev); e != 6 || m != 6 || answered < 5 || s.Batches() != 1 {
		t.Errorf("%d rows, %d messages, %d answered entered, %d batches; want 6, 6, >= 5, 1", e, m, answered, s.Batches())
	}
}

// Batches spanning two events while "draws" (the exclusive event lock, held
// a moment) come and go on both: the batches take their shared locks in key
// order, so no deadlock (40P01) and every entry commits.
func TestGroupCommitTwoEventsUnderDrawLocks(t *testing.T) {
	t.Parallel()
	s, db := batchService(t, 8, time.Millisecond)
	evs := []uuid.UUID{uuid.New(), uuid.New()}
	stop := make(chan struct{})
	var draws sync.WaitGroup
	for _, ev := range evs {
		draws.Add(1)
		go func() {
			defer draws.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				tx, err := db.Begin(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				_, err = tx.Exec(context.Background(), `SELECT pg_advisory_xact_lock($1), pg_sleep(0.002)`, eventLock(ev))
				_ = tx.Rollback(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	var rows []entryRow
	for i := range 160 {
		rows = append(rows, testRow(t, evs[i%2], fmt.Sprintf("p-%d", i), fmt.Sprintf("0109555%04d", i)))
	}
	res := doAll(s, rows)
	close(stop)
	draws.Wait()
	for i, r := range res {
		if r.err != nil || r.outcome != entered {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if a, _ := rowsOf(t, db, evs[0]); a != 80 {
		t.Errorf("%d rows for the first event, want 80", a)
	}
}

// Two batches in flight with the same phones in opposite arrival orders:
// each meets the other's uncommitted rows. Inserting in uk_event_phone's
// order (not arrival order) means they never wait on each other in a
// cycle: no deadlock (40P01) in any round, without the retry
// (writeBatch, not writeEntries), and every phone entered exactly once.
func TestGroupCommitCrossedDuplicatesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	s, db := batchService(t, 64, 0)
	const phones = 40
	for round := range 10 {
		ev := uuid.New()
		var a, b []*pendingEntry
		for i := range phones {
			a = append(a, &pendingEntry{row: testRow(t, ev, fmt.Sprintf("a-%d", i), fmt.Sprintf("0109666%04d", i))})
			b = append(b, &pendingEntry{row: testRow(t, ev, fmt.Sprintf("b-%d", i), fmt.Sprintf("0109666%04d", phones-1-i))})
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, items := range [][]*pendingEntry{a, b} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = s.writeBatch(context.Background(), items) }()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v / %v", round, errs[0], errs[1])
		}
		in := 0
		for _, it := range append(a, b...) {
			switch it.res.outcome {
			case entered:
				in++
			case duplicate:
			default:
				t.Errorf("round %d, %s: outcome %d", round, it.row.pid, it.res.outcome)
			}
		}
		if rows, _ := rowsOf(t, db, ev); in != phones || rows != phones {
			t.Errorf("round %d: %d entered, %d rows; want %d each", round, in, rows, phones)
		}
	}
}

func (r entryResult) String() string { return fmt.Sprintf("{outcome %d, err %v}", r.outcome, r.err) }

// With one writer slot, entries arriving while a batch is written gather
// into the next batch instead of starting commits of their own: one batch
// for the first entry, one for the thirty that came during its write, and
// never two writes at once. Without the limit (nil slots) the same arrivals
// make more batches, written concurrently.
func TestGroupCommitWritersLimitGrowsBatches(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name           string
		slots          chan struct{}
		wantBatches    int
		wantConcurrent int
	}{
		{"one writer", make(chan struct{}, 1), 2, 1},
		{"no limit", nil, 31, 0}, // 0: more than one
	} {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			var sizes []int
			var writing, most atomic.Int32
			b := &batcher{size: 64, slots: c.slots, write: func(ctx context.Context, rows []*pendingEntry) error {
				n := writing.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				mu.Lock()
				sizes = append(sizes, len(rows))
				mu.Unlock()
				time.Sleep(100 * time.Millisecond)
				writing.Add(-1)
				return nil
			}}
			var wg sync.WaitGroup
			do := func(i int) {
				defer wg.Done()
				b.do(context.Background(), entryRow{pid: fmt.Sprint(i)})
			}
			wg.Add(1)
			go do(0)
			time.Sleep(20 * time.Millisecond) // the first batch is being written
			for i := range 30 {
				wg.Add(1)
				go do(i + 1)
			}
			wg.Wait()
			switch {
			case c.wantConcurrent > 0 && (len(sizes) != c.wantBatches || sizes[0] != 1 || sizes[1] != 30 || most.Load() != 1):
				t.Errorf("batches %v, at most %d written at once; want [1 30], 1", sizes, most.Load())
			case c.wantConcurrent == 0 && (len(sizes) < 3 || most.Load() < 2):
				t.Errorf("batches %v, at most %d written at once; want several, concurrently", sizes, most.Load())
			}
		})
	}
}
