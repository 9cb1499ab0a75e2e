package devhost

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/queue"
)

// consumerGroup is the Redis consumer group every devhost reads with; its
// pending entries list plays the part of Service Bus's locked messages.
const consumerGroup = "devhost"

// localNamespace stands in for the Service Bus namespace in metadata.
const localNamespace = "localhost"

// consume delivers fn's queue with peek-lock semantics: at most
// maxConcurrentCalls messages in flight; 2xx completes; non-2xx, a timeout
// or a dead handler abandons (the message returns with DeliveryCount+1);
// after the queue's maxDeliveryCount deliveries it moves to the dead-letter
// stream with the reason, and a message past its queue's TTL is expired
// instead of delivered. The numbers are the queue's row in the queue table
// (Options.Queues). On shutdown, messages in flight are abandoned, not lost.
func (h *Host) consume(ctx context.Context, fn *Function) {
	stream := h.broker.Stream(fn.Queue)
	rdb := h.opt.Redis
	for ctx.Err() == nil {
		err := rdb.XGroupCreateMkStream(ctx, stream, consumerGroup, "0").Err()
		if err == nil || strings.Contains(err.Error(), "BUSYGROUP") {
			break
		}
		h.log.Warn("devhost: local broker unavailable; retrying", "queue", fn.Queue, "error", err)
		sleep(ctx, time.Second)
	}
	bg := context.WithoutCancel(ctx) // completions and abandons must land even during shutdown
	go h.promote(ctx, fn)
	go h.reap(ctx, fn)

	slots := make(chan struct{}, h.app.Host.MaxConcurrentCalls)
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			h.drain(slots)
			return
		}
		if ctx.Err() != nil { // do not take new messages while stopping
			<-slots
			continue
		}
		res, err := rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{
			Group: consumerGroup, Consumer: h.consumerName, Streams: []string{stream, ">"}, Count: 1, Block: 500 * time.Millisecond,
		}).Result()
		if err != nil || len(res) == 0 || len(res[0].Messages) == 0 {
			<-slots
			if err != nil && !errors.Is(err, goredis.Nil) && ctx.Err() == nil {
				h.log.Warn("devhost: read from local broker failed", "queue", fn.Queue, "error", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		msg := res[0].Messages[0]
		if ctx.Err() != nil {
			// Read while stopping: put it back untouched, it was never delivered.
			e, _ := queue.DecodeFields(msg.Values)
			h.settle(bg, fn, msg, e.Deliveries, "HostShutdown", "returned unread while the host stopped", false)
			<-slots
			continue
		}
		h.inflight.Store(msg.ID, struct{}{})
		go func() {
			defer func() { h.inflight.Delete(msg.ID); <-slots }()
			h.deliver(ctx, bg, fn, msg)
		}()
	}
}

// drain waits for in-flight deliveries to settle.
func (h *Host) drain(slots chan struct{}) {
	for range cap(slots) {
		slots <- struct{}{}
	}
}

func (h *Host) deliver(ctx, bg context.Context, fn *Function, msg goredis.XMessage) {
	e, err := queue.DecodeFields(msg.Values)
	if err != nil {
		h.settle(bg, fn, msg, e.Deliveries+1, "MalformedMessage", err.Error(), true)
		return
	}
	qs := h.opt.Queues[fn.Queue]
	now := time.Now()
	if expires := e.EnqueuedAt.Add(qs.TTL); !e.EnqueuedAt.IsZero() && !now.Before(expires) {
		h.expire(bg, fn, msg, e, qs, expires)
		return
	}
	delivery := e.Deliveries + 1
	res, err := h.invoke(ctx, fn, queueInvocation(fn, e, delivery, uuid.NewString(), localNamespace, now, qs.TTL))
	switch {
	case err == nil && res.Status >= 200 && res.Status <= 299:
		h.complete(bg, fn, msg.ID)
	case ctx.Err() != nil:
		h.settle(bg, fn, msg, delivery, "HostShutdown", "the host stopped during the invocation", false)
	case err != nil:
		h.settle(bg, fn, msg, delivery, "InvocationFailed", err.Error(), false)
	default:
		h.settle(bg, fn, msg, delivery, "InvocationFailed", "the function answered "+strconv.Itoa(res.Status), false)
	}
}

func (h *Host) complete(ctx context.Context, fn *Function, id string) {
	stream := h.broker.Stream(fn.Queue)
	_, err := h.opt.Redis.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAck(ctx, stream, consumerGroup, id)
		p.XDel(ctx, stream, id)
		return nil
	})
	if err != nil {
		h.log.Error("devhost: complete failed; the message will be redelivered", "queue", fn.Queue, "error", err)
	}
}

// expire handles a message past its queue's time to live, as Service Bus
// does: with deadLetteringOnMessageExpiration it goes to the dead-letter
// stream with reason TTLExpiredException, otherwise it is dropped. It is not
// delivered, and its delivery count stays.
func (h *Host) expire(ctx context.Context, fn *Function, msg goredis.XMessage, e queue.Entry, qs queue.Settings, expires time.Time) {
	description := fmt.Sprintf("the message expired at %s (enqueued %s, time to live %s)", expires.UTC().Format(time.RFC3339), e.EnqueuedAt.UTC().Format(time.RFC3339), qs.TTL)
	if qs.DeadLetterOnExpiry {
		h.settle(ctx, fn, msg, e.Deliveries, "TTLExpiredException", description, true)
		return
	}
	h.complete(ctx, fn, msg.ID)
	h.log.Warn("devhost: message expired and dropped", "queue", fn.Queue, "messageId", e.ID, "detail", description)
}

// settle abandons a message after a failed delivery: it returns to the queue
// with its delivery count raised, or goes to the dead-letter stream when the
// count reached the queue's maxDeliveryCount, or at once when deadLetter is
// set (an unreadable or expired message). Moving it and releasing the old
// entry happen in one Redis transaction.
func (h *Host) settle(ctx context.Context, fn *Function, msg goredis.XMessage, deliveries int, reason, description string, deadLetter bool) {
	stream := h.broker.Stream(fn.Queue)
	values := make(map[string]any, len(msg.Values)+3)
	for k, v := range msg.Values {
		values[k] = v
	}
	values[queue.FieldDeliveryCount] = strconv.Itoa(deliveries)
	target, verb := stream, "abandoned"
	if deadLetter || deliveries >= h.opt.Queues[fn.Queue].MaxDeliveryCount {
		target, verb = h.broker.DeadLetterStream(fn.Queue), "dead-lettered"
		if !deadLetter {
			reason = "MaxDeliveryCountExceeded"
			description = fmt.Sprintf("delivered %d times; last failure: %s", deliveries, description)
		}
		values["deadLetterReason"] = reason
		values["deadLetterErrorDescription"] = description
	}
	_, err := h.opt.Redis.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAdd(ctx, &goredis.XAddArgs{Stream: target, Values: values})
		p.XAck(ctx, stream, consumerGroup, msg.ID)
		p.XDel(ctx, stream, msg.ID)
		return nil
	})
	if err != nil {
		h.log.Error("devhost: abandon failed; the lock will expire instead", "queue", fn.Queue, "error", err)
		return
	}
	h.log.Warn("devhost: message "+verb, "queue", fn.Queue, "messageId", values[queue.FieldMessageID], "deliveryCount", deliveries, "reason", reason, "detail", description)
}

// promote moves scheduled messages onto the queue when due.
func (h *Host) promote(ctx context.Context, fn *Function) {
	for ctx.Err() == nil {
		if _, err := h.broker.PromoteDue(ctx, fn.Queue); err != nil && ctx.Err() == nil {
			h.log.Warn("devhost: promoting scheduled messages failed", "queue", fn.Queue, "error", err)
		}
		sleep(ctx, 200*time.Millisecond)
	}
}

// reap finds messages whose lock (the queue's lockDuration) expired: taken
// by a devhost that died, or never settled. They are abandoned like a failed
// delivery. Messages this host is still working on are re-claimed, which
// renews their lock.
func (h *Host) reap(ctx context.Context, fn *Function) {
	stream := h.broker.Stream(fn.Queue)
	lock := h.opt.Queues[fn.Queue].LockDuration
	interval := max(lock/4, 100*time.Millisecond)
	for ctx.Err() == nil {
		start := "0-0"
		for ctx.Err() == nil {
			msgs, next, err := h.opt.Redis.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
				Stream: stream, Group: consumerGroup, Consumer: h.consumerName, MinIdle: lock, Start: start, Count: 50,
			}).Result()
			if err != nil {
				break
			}
			for _, m := range msgs {
				if _, mine := h.inflight.Load(m.ID); mine {
					continue
				}
				e, _ := queue.DecodeFields(m.Values)
				h.settle(context.WithoutCancel(ctx), fn, m, e.Deliveries+1, "LockExpired", "the message lock expired before it was settled", false)
			}
			if next == "0-0" {
				break
			}
			start = next
		}
		sleep(ctx, interval)
	}
}

func (h *Host) queueStatus(ctx context.Context, fn *Function) (queueStatus, error) {
	rdb := h.opt.Redis
	stream := h.broker.Stream(fn.Queue)
	st := queueStatus{Queue: fn.Queue, Function: fn.Name}
	total, err := rdb.XLen(ctx, stream).Result()
	if err != nil {
		return st, err
	}
	if p, err := rdb.XPending(ctx, stream, consumerGroup).Result(); err == nil {
		st.Locked = p.Count
	}
	st.Active = total - st.Locked
	st.Scheduled, _ = rdb.ZCard(ctx, h.broker.ScheduledKey(fn.Queue)).Result()
	st.DeadLetter, _ = rdb.XLen(ctx, h.broker.DeadLetterStream(fn.Queue)).Result()
	return st, nil
}

// requeueDeadLetters moves every dead letter back to its queue with a fresh
// delivery count and enqueue time, for after the fix.
func (h *Host) requeueDeadLetters(ctx context.Context, fn *Function) (int, error) {
	rdb := h.opt.Redis
	dlq := h.broker.DeadLetterStream(fn.Queue)
	msgs, err := rdb.XRange(ctx, dlq, "-", "+").Result()
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		values := map[string]any{}
		for k, v := range m.Values {
			if k != "deadLetterReason" && k != "deadLetterErrorDescription" {
				values[k] = v
			}
		}
		values[queue.FieldDeliveryCount] = "0"
		// Resubmitted, as one does from a Service Bus dead-letter queue: a new
		// message, so its time to live starts again (an expired one would
		// otherwise expire at once).
		values[queue.FieldEnqueuedAt] = time.Now().UTC().Format(time.RFC3339Nano)
		_, err := rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			p.XAdd(ctx, &goredis.XAddArgs{Stream: h.broker.Stream(fn.Queue), Values: values})
			p.XDel(ctx, dlq, m.ID)
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}

// queueMessage wraps an admin input as a new message.
func queueMessage(queueName, body string) queue.Message {
	return queue.Message{ID: "admin-" + uuid.NewString(), Queue: queueName, Subject: "AdminInvoke", Body: []byte(body)}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
