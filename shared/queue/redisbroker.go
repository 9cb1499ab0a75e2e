package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/redis"
)

// RedisStreams is the local broker: one Redis stream per queue, a sorted set
// per queue for scheduled messages, and a duplicate-detection window like
// Service Bus's. The devhost consumes these streams with peek-lock semantics.
type RedisStreams struct {
	rdb    goredis.UniversalClient
	prefix string
	// DedupWindow mirrors Service Bus duplicateDetectionHistoryTimeWindow: a
	// message id seen within it is accepted and dropped. A queue in the
	// table (WithTable) uses its own window.
	dedupWindow time.Duration
	queues      Table
	now         func() time.Time
}

// LocalPrefix namespaces the app's queue keys in Redis.
const LocalPrefix = "queue:"

// NewRedisStreams returns the local broker. prefix namespaces the keys
// ("queue:" in the app; tests use their own).
func NewRedisStreams(rdb goredis.UniversalClient, prefix string) *RedisStreams {
	return &RedisStreams{rdb: rdb, prefix: prefix, dedupWindow: 10 * time.Minute, now: time.Now}
}

// WithTable makes the broker use each queue's duplicate detection window
// from the queue table (infra/queues.json), as Service Bus does; queues not
// in it keep the default 10 minutes. It returns b.
func (b *RedisStreams) WithTable(t Table) *RedisStreams {
	b.queues = t
	return b
}

// A queue's keys (stream, scheduled set, dead-letter stream, duplicate
// window, sequence counter) share the hash tag {queue}: the publish and
// promote scripts and the devhost's settle transactions use several of them
// at once, which a Redis Cluster allows only within one slot. One queue is
// then one slot (one shard), which suits the local broker: Azure's queues
// are Service Bus's.

// Stream names the stream holding a queue's ready messages.
func (b *RedisStreams) Stream(queue string) string { return b.key(queue, "") }

// ScheduledKey names the sorted set of a queue's messages not yet due.
func (b *RedisStreams) ScheduledKey(queue string) string { return b.key(queue, ":scheduled") }

// DeadLetterStream names the stream holding a queue's dead-lettered messages.
func (b *RedisStreams) DeadLetterStream(queue string) string { return b.key(queue, ":deadletter") }

func (b *RedisStreams) dedupKey(queue, id string) string { return b.key(queue, ":dedup:"+id) }

func (b *RedisStreams) sequenceKey(queue string) string { return b.key(queue, ":seq") }

func (b *RedisStreams) key(queue, suffix string) string { return b.prefix + redis.Tag(queue) + suffix }

// Stream entry fields; the devhost reads the same names.
const (
	FieldMessageID     = "messageId"
	FieldSubject       = "subject"
	FieldCorrelationID = "correlationId"
	FieldContentType   = "contentType"
	FieldBody          = "body"
	FieldEnqueuedAt    = "enqueuedAt"
	FieldSequence      = "sequenceNumber"
	FieldDeliveryCount = "deliveryCount" // deliveries so far; the devhost raises it on redelivery
)

// Fields encodes a message as stream entry fields.
func Fields(m Message, enqueuedAt time.Time) map[string]any {
	return map[string]any{
		FieldMessageID:     m.ID,
		FieldSubject:       m.Subject,
		FieldCorrelationID: m.CorrelationID,
		FieldContentType:   "application/json",
		FieldBody:          string(m.Body),
		FieldEnqueuedAt:    enqueuedAt.UTC().Format(time.RFC3339Nano),
	}
}

// publishScript adds the message unless its id is inside the duplicate
// window, atomically, so two senders of one message never both succeed.
// It also assigns the queue's next sequence number, as Service Bus does at
// enqueue. KEYS: dedup key, stream (or scheduled set), sequence counter.
// ARGV: window ms, due ms (0 = now), then field/value pairs.
var publishScript = goredis.NewScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) == false then
  return 0
end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
fields[#fields + 1] = 'sequenceNumber'
fields[#fields + 1] = tostring(redis.call('INCR', KEYS[3]))
local due = tonumber(ARGV[2])
if due > 0 then
  redis.call('ZADD', KEYS[2], due, cjson.encode(fields))
else
  redis.call('XADD', KEYS[2], '*', unpack(fields))
end
return 1
`)

// Publish adds the message to its queue's stream, or to the scheduled set when
// ScheduledAt is in the future. A duplicate id within the window is a no-op.
func (b *RedisStreams) Publish(ctx context.Context, m Message) error {
	if err := m.validate(); err != nil {
		return err
	}
	keys, args := b.publishArgs(m)
	if err := publishScript.Run(ctx, b.rdb, keys, args...).Err(); err != nil {
		return fmt.Errorf("queue: publish %s to %s: %w", m.ID, m.Queue, err)
	}
	return nil
}

// PublishAll sends messages in one pipelined round trip; each message gets
// its own error.
func (b *RedisStreams) PublishAll(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	pipe := b.rdb.Pipeline()
	cmds := make([]*goredis.Cmd, len(msgs))
	for i, m := range msgs {
		if errs[i] = m.validate(); errs[i] != nil {
			continue
		}
		keys, args := b.publishArgs(m)
		cmds[i] = publishScript.EvalSha(ctx, pipe, keys, args...)
	}
	_, _ = pipe.Exec(ctx)
	var retry []int
	for i, c := range cmds {
		if c == nil {
			continue
		}
		if err := c.Err(); err != nil {
			if goredis.HasErrorPrefix(err, "NOSCRIPT") {
				retry = append(retry, i) // first use on this server: load it
				continue
			}
			errs[i] = fmt.Errorf("queue: publish %s to %s: %w", msgs[i].ID, msgs[i].Queue, err)
		}
	}
	for _, i := range retry {
		errs[i] = b.Publish(ctx, msgs[i])
	}
	return errs
}

func (b *RedisStreams) publishArgs(m Message) ([]string, []any) {
	now := b.now()
	target, due, enqueued := b.Stream(m.Queue), int64(0), now
	if m.ScheduledAt.After(now) {
		// Service Bus enqueues a scheduled message at its time: its
		// EnqueuedTime, and so its expiry, count from then.
		target, due, enqueued = b.ScheduledKey(m.Queue), m.ScheduledAt.UnixMilli(), m.ScheduledAt
	}
	window := b.dedupWindow
	if s, ok := b.queues[m.Queue]; ok {
		window = s.DuplicateWindow
	}
	args := []any{window.Milliseconds(), due}
	for k, v := range Fields(m, enqueued) {
		args = append(args, k, v)
	}
	return []string{b.dedupKey(m.Queue, m.ID), target, b.sequenceKey(m.Queue)}, args
}

// promoteScript moves due scheduled messages to the stream in one step.
var promoteScript = goredis.NewScript(`
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)
for _, member in ipairs(due) do
  if redis.call('ZREM', KEYS[1], member) == 1 then
    redis.call('XADD', KEYS[2], '*', unpack(cjson.decode(member)))
  end
end
return #due
`)

// PromoteDue moves scheduled messages whose time has come onto the queue's
// stream, as Service Bus does on its own. It returns how many moved.
func (b *RedisStreams) PromoteDue(ctx context.Context, queue string) (int, error) {
	n, err := promoteScript.Run(ctx, b.rdb, []string{b.ScheduledKey(queue), b.Stream(queue)}, b.now().UnixMilli()).Int()
	if err != nil {
		return 0, fmt.Errorf("queue: promote scheduled %s: %w", queue, err)
	}
	return n, nil
}

// Entry is a message as the local broker stores it.
type Entry struct {
	Message
	EnqueuedAt     time.Time
	SequenceNumber int64
	Deliveries     int // how many times it was delivered before
}

// DecodeFields turns a stream entry back into a message.
func DecodeFields(values map[string]any) (Entry, error) {
	str := func(k string) string { s, _ := values[k].(string); return s }
	e := Entry{Message: Message{
		ID:            str(FieldMessageID),
		Subject:       str(FieldSubject),
		CorrelationID: str(FieldCorrelationID),
		Body:          json.RawMessage(str(FieldBody)),
	}}
	e.EnqueuedAt, _ = time.Parse(time.RFC3339Nano, str(FieldEnqueuedAt))
	e.SequenceNumber, _ = strconv.ParseInt(str(FieldSequence), 10, 64)
	e.Deliveries, _ = strconv.Atoi(str(FieldDeliveryCount))
	if e.ID == "" || !json.Valid(e.Body) {
		return e, fmt.Errorf("queue: malformed stream entry (id %q)", e.ID)
	}
	return e, nil
}

// Close does nothing: the Redis client belongs to the caller.
func (b *RedisStreams) Close(context.Context) error { return nil }
