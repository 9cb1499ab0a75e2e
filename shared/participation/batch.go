package participation

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
)

// Group commit (issue 18). Concurrent submits of one instance are gathered
// into one batch, up to BatchSize entries or BatchDelay after its first,
// whichever comes first, and written in one implicit transaction, one
// statement and one Postgres round trip: a call of participation.enter_batch
// (migration 021), which
//
//  1. the shared advisory lock of every event in the batch, in ascending
//     key order (a stable order: two batches never wait on each other in a
//     cycle through a draw queued for an exclusive lock);
//  2. one statement inserting every row of an event not yet drawn (the
//     NOT EXISTS draw_logs guard, evaluated after the locks, so the entries
//     committed before a draw are exactly its list), ON CONFLICT DO NOTHING,
//     and one ParticipantsRegistered outbox row per event listing the rows
//     that went in;
//  3. one statement reading, for each request whose row did not go in, who
//     holds its phone now and whether its event is drawn (a new snapshot:
//     it sees what committed concurrently, and this transaction's rows).
//
// Each request then gets its own answer: its row is in (201), its phone is
// held by another row (409 PART_001, a duplicate within the batch included:
// the first in arrival order wins), its event is drawn (PART_005), or
// neither (its entry number was taken: it retries alone with a new one).
// Rows go in in (event, phone) order, the order of uk_event_phone: a batch
// that meets another's uncommitted row for the same phone waits for it
// (ON CONFLICT must know whether it commits), and if every batch takes its
// keys in one order, no two batches wait on each other in a cycle. Within a
// batch the first in arrival order comes first among equal phones. A
// deadlock the server still reports (entry numbers crossing after a
// counter reset) rolls the whole batch back; it is written again, up to
// batchAttempts times. A failed transaction fails every request of the batch and writes nothing.
// Answers are sent only after the commit: an instance that stops mid-batch
// loses nothing it answered 201.

// Batch defaults (PARTICIPATION_BATCH_SIZE, PARTICIPATION_BATCH_DELAY_MS).
const (
	DefaultBatchSize  = 64
	DefaultBatchDelay = 2 * time.Millisecond
	batchTimeout      = 10 * time.Second // one batch's transaction, whoever waits on it
	batchAttempts     = 3                // a batch rolled back as a deadlock victim is written again
)

// entryRow is one request's entry and its analytics facts.
type entryRow struct {
	eventID uuid.UUID
	pid     string
	sub     Submission
	bonus   int
	at      time.Time
	fact    []byte        // RegisteredEntry as JSON
	ttl     time.Duration // of its Redis keys (afterEntries)
}

type outcome int

const (
	entered   outcome = iota
	duplicate         // uk_event_phone
	taken             // uk_participant_id: retry with a new number
	drawn             // entries closed
)

type entryResult struct {
	outcome outcome
	err     error
}

type pendingEntry struct {
	row  entryRow
	res  entryResult
	done chan struct{}
}

type entryBatch struct {
	items []*pendingEntry
	full  chan struct{} // closed when the batch reached its size
}

// batcher gathers entries into batches; the first request of a batch
// leads it (waits, then writes it), the others wait for its answer.
type batcher struct {
	size  int
	delay time.Duration
	// slots holds one token per batch being written (nil: no limit). A
	// batch whose delay is over waits for a slot still open, so under load
	// entries gather while the previous batches are written: batches grow
	// with the load instead of the server's commits multiplying.
	slots chan struct{}
	write func(ctx context.Context, rows []*pendingEntry) error
	after func(rows []*pendingEntry) // once answered (nil: nothing)

	mu      sync.Mutex
	open    *entryBatch
	batches int // written, for tests
}

func (b *batcher) do(ctx context.Context, row entryRow) entryResult {
	p := &pendingEntry{row: row, done: make(chan struct{})}
	b.mu.Lock()
	bt, lead := b.open, false
	if bt == nil {
		bt, lead = &entryBatch{full: make(chan struct{})}, true
		b.open = bt
	}
	bt.items = append(bt.items, p)
	if len(bt.items) >= b.size {
		b.open = nil
		close(bt.full)
	}
	b.mu.Unlock()
	if lead {
		if b.delay > 0 {
			t := time.NewTimer(b.delay)
			select {
			case <-bt.full:
			case <-t.C:
			}
			t.Stop()
		}
		if b.slots != nil {
			b.slots <- struct{}{}
			defer func() { <-b.slots }()
		}
		b.mu.Lock()
		if b.open == bt {
			b.open = nil
		}
		items := bt.items
		b.batches++
		b.mu.Unlock()
		// The batch is everyone's: the leader's cancellation must not cut it.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		if err := b.write(wctx, items); err != nil {
			for _, it := range items {
				it.res = entryResult{err: err}
			}
		}
		cancel()
		for _, it := range items {
			close(it.done)
		}
		if b.after != nil {
			b.after(items)
		}
	}
	select {
	case <-p.done: // answered, even if ctx ended meanwhile
	case <-ctx.Done():
		select {
		case <-p.done:
		default:
			return entryResult{err: ctx.Err()}
		}
	}
	return p.res
}

// Batches reports how many batches this process wrote (tests, the bench).
func (s *Service) Batches() int {
	s.batch.mu.Lock()
	defer s.batch.mu.Unlock()
	return s.batch.batches
}

// enterSQL calls the migration's participation.enter_batch (021), which
// runs steps 1 to 3 in one statement: a function's plans are cached per
// server connection, which through a transaction pooler without prepared
// statements is the only way the batch is not planned again each time.
const enterSQL = `SELECT messages, holders, closed FROM participation.enter_batch($1::varchar[], $2::uuid[], $3::varchar[], $4::varchar[],
	$5::varchar[], $6::varchar[], $7::varchar[], $8::boolean[], $9::integer[], $10::boolean[], $11::boolean[], $12::timestamptz[],
	$13::varchar[], $14::text[], $15::bigint[], $16::varchar, $17::varchar, $18::timestamptz)`

// writeEntries writes one batch (see the top of this file) and sets each
// request's outcome; an error is the whole batch's. A deadlock victim's
// transaction wrote nothing, so it is written again.
func (s *Service) writeEntries(ctx context.Context, items []*pendingEntry) error {
	for attempt := 1; ; attempt++ {
		err := s.writeBatch(ctx, items)
		if err == nil || attempt == batchAttempts || !postgres.IsCode(err, postgres.DeadlockDetected) {
			return err
		}
		s.log.WarnContext(ctx, "entry batch chosen as a deadlock victim; writing it again", "entries", len(items), "attempt", attempt)
	}
}

func (s *Service) writeBatch(ctx context.Context, items []*pendingEntry) error {
	n := len(items)
	var (
		pids, names, phones, channels, sources, facts = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		emails, networks                              = make([]*string, n), make([]*string, n)
		events                                        = make([]string, n) // text: encodes in every pgx exec mode
		visited, marketing, privacy                   = make([]bool, n), make([]bool, n), make([]bool, n)
		bonus                                         = make([]int32, n)
		at                                            = make([]time.Time, n)
	)
	var locks []int64
	for i, it := range items {
		r := it.row
		pids[i], events[i], names[i], phones[i] = r.pid, r.eventID.String(), r.sub.Name, r.sub.PhoneNumber
		if r.sub.Email != "" {
			emails[i] = &r.sub.Email
		}
		if nw := ClientNetwork(r.sub.ClientIP); nw != "" {
			networks[i] = &nw
		}
		channels[i], sources[i], visited[i], bonus[i] = r.sub.Channel, r.sub.Source, r.sub.StoreVisited, int32(r.bonus)
		marketing[i], privacy[i], at[i] = r.sub.AgreeMarketing, r.sub.AgreePrivacy, r.at
		facts[i] = string(r.fact)
		locks = append(locks, eventLock(r.eventID))
	}
	slices.Sort(locks)
	locks = slices.Compact(locks)
	var messages, holders []string
	var closed []bool
	if err := s.db.QueryRow(ctx, enterSQL, pids, events, names, phones, emails, channels, sources, visited, bonus, marketing, privacy, at,
		networks, facts, locks, queue.AnalyticsEvents, TypeParticipantsRegistered, time.Now()).Scan(&messages, &holders, &closed); err != nil {
		return fmt.Errorf("participation: enter batch: %w", err)
	}
	if len(holders) != n || len(closed) != n {
		return fmt.Errorf("participation: batch outcome: %d answers for %d entries", len(holders), n)
	}
	for i, it := range items {
		switch holder := holders[i]; {
		case holder == it.row.pid:
			it.res.outcome = entered
		case closed[i]:
			it.res.outcome = drawn
		case holder != "":
			it.res.outcome = duplicate
		default:
			it.res.outcome = taken
		}
	}
	s.outbox.Notify(messages...)
	return nil
}
