package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/postgres"
)

// Outbox makes "change state and send a message" atomic: messages are rows
// written in the caller's transaction, sent right after commit, and sent by
// Relay (the OutboxRelay timer) if that first send did not happen. Sending
// locks each row (FOR UPDATE SKIP LOCKED) so two senders never send one
// message at the same time; a crash between send and mark can resend, which
// the stable id makes harmless.
type Outbox struct {
	db  *postgres.DB
	pub Publisher
	log *slog.Logger
	// SendTimeout bounds one publish, so a dead broker cannot hold row locks long.
	SendTimeout time.Duration

	mu      sync.Mutex
	pending map[pgx.Tx]*pending // messages of transactions opened by InTx

	notify chan string // ids committed elsewhere, for the background sender
}

// NewOutbox wires the outbox to the database and the broker.
func NewOutbox(db *postgres.DB, pub Publisher, log *slog.Logger) *Outbox {
	return &Outbox{db: db, pub: pub, log: log, SendTimeout: 5 * time.Second, pending: map[pgx.Tx]*pending{}, notify: make(chan string, 4096)}
}

// EnqueueSQL is the outbox insert for a caller that writes its change and
// its message in one statement (a hot path saving round trips); its six
// parameters start at $first and take EnqueueArgs. The caller's statement
// supplies the row source, e.g. "INSERT ... SELECT $n.. FROM changed".
func EnqueueSQL(first int) string {
	return fmt.Sprintf(`INSERT INTO outbox.messages (message_id, queue, subject, correlation_id, body, available_at)
		SELECT $%d, $%d, $%d, $%d, $%d::jsonb, $%d::timestamptz`, first, first+1, first+2, first+3, first+4, first+5)
}

// EnqueueArgs are the parameters of EnqueueSQL for m.
func EnqueueArgs(m Message) ([]any, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	available := m.ScheduledAt
	if available.IsZero() {
		available = time.Now()
	}
	return []any{m.ID, m.Queue, m.Subject, m.CorrelationID, string(m.Body), available}, nil
}

// Notify asks the background sender (Run) to send messages committed by the
// caller. Without a running sender, or when it is saturated, the relay
// sends them instead; either way nothing is lost.
func (o *Outbox) Notify(ids ...string) {
	for _, id := range ids {
		select {
		case o.notify <- id:
		default:
			return
		}
	}
}

// Run is the background sender: it sends notified messages in batches
// (up to 100, or whatever arrived within 20 ms), one transaction per batch,
// so a flood of small writes does not pay a second commit each. It returns
// when ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	batch := make([]string, 0, 100)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := o.send(context.WithoutCancel(ctx), batch, len(batch)); err != nil {
			o.log.WarnContext(ctx, "outbox: batched send failed; the relay will retry", "messages", len(batch), "error", err)
		}
		batch = batch[:0]
	}
	for {
		select {
		case <-ctx.Done():
			flush()
			return
		case id := <-o.notify:
			batch = append(batch, id)
			deadline := time.After(20 * time.Millisecond)
		fill:
			for len(batch) < cap(batch) {
				select {
				case id := <-o.notify:
					batch = append(batch, id)
				case <-deadline:
					break fill
				}
			}
			flush()
		}
	}
}

type pending struct{ ids []string }

// Enqueue writes messages in tx. Inside InTx they are sent right after the
// commit; otherwise the relay sends them within a minute.
func (o *Outbox) Enqueue(ctx context.Context, tx pgx.Tx, msgs ...Message) error {
	for _, m := range msgs {
		if err := m.validate(); err != nil {
			return err
		}
		available := m.ScheduledAt
		if available.IsZero() {
			available = time.Now()
		}
		_, err := tx.Exec(ctx, `INSERT INTO outbox.messages (message_id, queue, subject, correlation_id, body, available_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (message_id) DO NOTHING`,
			m.ID, m.Queue, m.Subject, m.CorrelationID, []byte(m.Body), available)
		if err != nil {
			return fmt.Errorf("outbox: enqueue %s: %w", m.ID, err)
		}
		o.mu.Lock()
		if p, ok := o.pending[tx]; ok {
			p.ids = append(p.ids, m.ID)
		}
		o.mu.Unlock()
	}
	return nil
}

// InTx runs fn in a transaction and, once it has committed, sends the
// messages enqueued in that transaction. A failed send is logged, not
// returned: the state change stands and the relay will deliver.
func (o *Outbox) InTx(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	p := &pending{}
	err := o.db.InTx(ctx, func(tx pgx.Tx) error {
		o.mu.Lock()
		o.pending[tx] = p
		o.mu.Unlock()
		defer func() {
			o.mu.Lock()
			delete(o.pending, tx)
			o.mu.Unlock()
		}()
		return fn(ctx, tx)
	})
	if err != nil {
		return err
	}
	if len(p.ids) > 0 {
		if _, err := o.send(context.WithoutCancel(ctx), p.ids, len(p.ids)); err != nil {
			o.log.WarnContext(ctx, "outbox: immediate send failed; the relay will retry", "messages", len(p.ids), "error", err)
		}
	}
	return nil
}

// RelayResult says what one relay run did.
type RelayResult struct {
	Sent   int
	Failed int
}

// Relay sends unsent messages in batches until none is left, the broker
// fails, or ctx ends. A run that sends some but fails others (one message
// too large, one queue down) goes on; the failure is still reported. Safe to
// run concurrently with itself and with InTx.
func (o *Outbox) Relay(ctx context.Context, batch int) (RelayResult, error) {
	var total RelayResult
	var failure error
	for ctx.Err() == nil {
		r, err := o.send(ctx, nil, batch)
		total.Sent += r.Sent
		total.Failed += r.Failed
		if err != nil {
			if r.Sent == 0 {
				return total, err
			}
			failure = err
		}
		if r.Sent+r.Failed < batch {
			return total, failure
		}
	}
	return total, errors.Join(failure, ctx.Err())
}

// RelayTick is the OutboxRelay timer's work: send what is left, then drop
// sent messages older than a week (kept that long for investigations). The
// purge runs even when a send failed: it needs only Postgres, and a message
// refused for good must not let the table grow.
func (o *Outbox) RelayTick(ctx context.Context) (RelayResult, int64, error) {
	res, relayErr := o.Relay(ctx, 100)
	purged, err := o.Purge(ctx, 7*24*time.Hour)
	return res, purged, errors.Join(relayErr, err)
}

// Unsent counts messages still waiting, for health and logs.
func (o *Outbox) Unsent(ctx context.Context) (int, error) {
	var n int
	err := o.db.QueryRow(ctx, "SELECT count(*) FROM outbox.messages WHERE sent_at IS NULL").Scan(&n)
	return n, err
}

// send publishes up to limit unsent messages (only ids, when given) in one
// transaction holding their row locks, marks the ones the broker took, records
// the error on each one it did not, and reports the last such error.
func (o *Outbox) send(ctx context.Context, ids []string, limit int) (RelayResult, error) {
	var res RelayResult
	var sendErr error
	err := o.db.InTx(ctx, func(tx pgx.Tx) error {
		query := `SELECT id, message_id, queue, subject, correlation_id, body, available_at
			FROM outbox.messages WHERE sent_at IS NULL`
		args := []any{limit}
		if ids != nil {
			query += ` AND message_id = ANY($2)`
			args = append(args, ids)
		}
		query += ` ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		type row struct {
			id  int64
			msg Message
		}
		batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			var body []byte
			err := r.Scan(&x.id, &x.msg.ID, &x.msg.Queue, &x.msg.Subject, &x.msg.CorrelationID, &body, &x.msg.ScheduledAt)
			x.msg.Body = body
			return x, err
		})
		if err != nil {
			return err
		}
		var sent []int64
		msgs := make([]Message, len(batch))
		for i, r := range batch {
			if !r.msg.ScheduledAt.After(time.Now()) {
				r.msg.ScheduledAt = time.Time{}
			}
			msgs[i] = r.msg
		}
		pctx, cancel := context.WithTimeout(ctx, o.SendTimeout)
		errs := publishAll(pctx, o.pub, msgs)
		cancel()
		// Each row by its own result: a broker sends per queue (and a
		// message can fail alone), so rows after a failed one may have gone.
		var failedIDs []int64
		var failedErrs []string
		for i, r := range batch {
			if errs[i] != nil {
				res.Failed++
				sendErr = errs[i]
				failedIDs, failedErrs = append(failedIDs, r.id), append(failedErrs, errs[i].Error())
				continue
			}
			sent = append(sent, r.id)
		}
		if len(failedIDs) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE outbox.messages m SET attempts = m.attempts + 1, last_error = f.err
				FROM unnest($1::bigint[], $2::text[]) AS f(id, err) WHERE m.id = f.id`, failedIDs, failedErrs); err != nil {
				return err
			}
		}
		if len(sent) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE outbox.messages SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1)`, sent); err != nil {
				return err
			}
		}
		res.Sent = len(sent)
		return nil
	})
	if err != nil {
		return RelayResult{}, fmt.Errorf("outbox: send: %w", err)
	}
	if sendErr != nil {
		return res, fmt.Errorf("outbox: broker: %w", sendErr)
	}
	return res, nil
}

// Purge deletes sent messages older than keep, so the table stays small.
func (o *Outbox) Purge(ctx context.Context, keep time.Duration) (int64, error) {
	tag, err := o.db.Exec(ctx, `DELETE FROM outbox.messages WHERE sent_at < now() - make_interval(secs => $1)`, keep.Seconds())
	if err != nil {
		return 0, fmt.Errorf("outbox: purge: %w", err)
	}
	return tag.RowsAffected(), nil
}

// Once applies a message's effect exactly once per consumer: the message id
// is recorded in the same transaction as fn's writes, so a redelivery (or a
// concurrent duplicate, which waits on the key) finds it and skips fn. It
// reports whether fn ran.
func Once(ctx context.Context, db *postgres.DB, consumer, messageID string, fn func(tx pgx.Tx) error) (bool, error) {
	if messageID == "" {
		return false, errors.New("queue: message without an id cannot be processed once")
	}
	applied := false
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO outbox.processed_messages (consumer, message_id) VALUES ($1, $2)
			ON CONFLICT DO NOTHING`, consumer, messageID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		if err := fn(tx); err != nil {
			return err
		}
		applied = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("queue: %s processing %s: %w", consumer, messageID, err)
	}
	return applied, nil
}

// RecordPoison keeps a message that can never succeed, so it can be
// acknowledged (not retried forever) without being lost.
func (o *Outbox) RecordPoison(ctx context.Context, consumer, messageID string, body []byte, reason string) error {
	_, err := o.db.Exec(ctx, `INSERT INTO outbox.poison_messages (consumer, message_id, reason, body) VALUES ($1, $2, $3, $4)`,
		consumer, messageID, reason, string(body))
	if err != nil {
		return fmt.Errorf("queue: record poison %s: %w", messageID, err)
	}
	return nil
}

// BatchPublisher is a Publisher that can send many messages in one round
// trip; the outbox uses it when the broker offers it.
type BatchPublisher interface {
	PublishAll(ctx context.Context, msgs []Message) []error
}

func publishAll(ctx context.Context, pub Publisher, msgs []Message) []error {
	if bp, ok := pub.(BatchPublisher); ok {
		return bp.PublishAll(ctx, msgs)
	}
	errs := make([]error, len(msgs))
	for i, m := range msgs {
		if errs[i] = pub.Publish(ctx, m); errs[i] != nil {
			for j := i + 1; j < len(msgs); j++ {
				errs[j] = errs[i]
			}
			break
		}
	}
	return errs
}
