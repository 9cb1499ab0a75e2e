package queue

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RedisStreams is the local broker: one Redis stream per queue, a sorted set
// per queue for scheduled messages, and a duplicate-detection window like
// Service Bus's. The devhost consumes these streams with peek-lock semantics.
type RedisStreams struct {
	rdb    *goredis.Client
	prefix string
	// DedupWindow mirrors Service Bus duplicateDetectionHistoryTimeWindow: a
	// message id seen within it is accepted and dropped.
	dedupWindow time.Duration
	now         func() time.Time
}

// LocalPrefix namespaces the app's queue keys in Redis.
const LocalPrefix = "queue:"

// NewRedisStreams returns the local broker. prefix namespaces the keys
// ("queue:" in the app; tests use their own).
func NewRedisStreams(rdb *goredis.Client, prefix string) *RedisStreams {
	return &RedisStreams{rdb: rdb, prefix: prefix, dedupWindow: 10 * time.Minute, now: time.Now}
}

// Stream names the stream holding a queue's ready messages.
func (b *RedisStreams) Stream(queue string) string { return b.prefix + queue }

// ScheduledKey names the sorted set of a queue's messages not yet due.
func (b *RedisStreams) ScheduledKey(queue string) string { return b.prefix + queue + ":scheduled" }

func (b *RedisStreams) dedupKey(queue, id string) string { return b.prefix + queue + ":dedup:" + id }

// Stream entry fields; the devhost reads the same names.
const (
	FieldMessageID     = "messageId"
	FieldSubject       = "subject"
	FieldCorrelationID = "correlationId"
	FieldContentType   = "contentType"
	FieldBody          = "body"
	FieldEnqueuedAt    = "enqueuedAt"
	FieldDeliveryCount = "deliveryCount" // set by the devhost when it redelivers
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
// KEYS: dedup key, stream (or scheduled set). ARGV: window ms, due ms (0 =
// now), then field/value pairs.
var publishScript = goredis.NewScript(`
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) == false then
  return 0
end
local due = tonumber(ARGV[2])
if due > 0 then
  local fields = {}
  for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('ZADD', KEYS[2], due, cjson.encode(fields))
else
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
end
return 1
`)

// Publish adds the message to its queue's stream, or to the scheduled set when
// ScheduledAt is in the future. A duplicate id within the window is a no-op.
func (b *RedisStreams) Publish(ctx context.Context, m Message) error {
	if err := m.validate(); err != nil {
		return err
	}
	now := b.now()
	target, due := b.Stream(m.Queue), int64(0)
	if m.ScheduledAt.After(now) {
		target, due = b.ScheduledKey(m.Queue), m.ScheduledAt.UnixMilli()
	}
	args := []any{b.dedupWindow.Milliseconds(), due}
	for k, v := range Fields(m, now) {
		args = append(args, k, v)
	}
	if err := publishScript.Run(ctx, b.rdb, []string{b.dedupKey(m.Queue, m.ID), target}, args...).Err(); err != nil {
		return fmt.Errorf("queue: publish %s to %s: %w", m.ID, m.Queue, err)
	}
	return nil
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

// DecodeFields turns a stream entry back into a message.
func DecodeFields(values map[string]any) (Message, time.Time, int, error) {
	str := func(k string) string { s, _ := values[k].(string); return s }
	m := Message{
		ID:            str(FieldMessageID),
		Subject:       str(FieldSubject),
		CorrelationID: str(FieldCorrelationID),
		Body:          json.RawMessage(str(FieldBody)),
	}
	enq, _ := time.Parse(time.RFC3339Nano, str(FieldEnqueuedAt))
	deliveries, _ := strconv.Atoi(str(FieldDeliveryCount))
	if m.ID == "" || !json.Valid(m.Body) {
		return m, enq, deliveries, fmt.Errorf("queue: malformed stream entry (id %q)", m.ID)
	}
	return m, enq, deliveries, nil
}

// Close does nothing: the Redis client belongs to the caller.
func (b *RedisStreams) Close(context.Context) error { return nil }
