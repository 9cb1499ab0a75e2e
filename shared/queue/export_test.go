package queue

import (
	"context"
	"fmt"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// FakeBus stands in for a Service Bus namespace, which has no emulator: one
// sender per queue whose batches hold at most Limit body bytes, answering
// azservicebus.ErrMessageTooLarge past it as the SDK's batches do past the
// link's size. It records what was sent, batch by batch.
type FakeBus struct {
	Limit int
	// FailSend, when set, can fail a batch send (ids in the batch); the
	// batch then counts as not sent.
	FailSend func(queue string, ids []string) error

	mu      sync.Mutex
	batches map[string][][]*azservicebus.Message
	singles map[string][]*azservicebus.Message
}

// NewFakeServiceBus is the real ServiceBus publisher over a FakeBus.
func NewFakeServiceBus(limit int) (*ServiceBus, *FakeBus) {
	f := &FakeBus{Limit: limit, batches: map[string][][]*azservicebus.Message{}, singles: map[string][]*azservicebus.Message{}}
	return newServiceBus(func(queue string) (sbSender, error) { return &fakeSender{bus: f, queue: queue}, nil }, nil), f
}

// Batches are the sent batches of queue, as message ids.
func (f *FakeBus) Batches(queue string) [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out [][]string
	for _, b := range f.batches[queue] {
		out = append(out, ids(b))
	}
	return out
}

// Singles are the ids of queue's messages sent one by one.
func (f *FakeBus) Singles(queue string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return ids(f.singles[queue])
}

// Sent is every message sent to queue, batched or not, by id.
func (f *FakeBus) Sent(queue string) map[string]*azservicebus.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]*azservicebus.Message{}
	for _, b := range append(f.batches[queue], f.singles[queue]) {
		for _, m := range b {
			out[*m.MessageID] = m
		}
	}
	return out
}

func ids(msgs []*azservicebus.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = *m.MessageID
	}
	return out
}

type fakeSender struct {
	bus   *FakeBus
	queue string
}

func (s *fakeSender) SendMessage(_ context.Context, m *azservicebus.Message) error {
	if len(m.Body) > s.bus.Limit {
		return azservicebus.ErrMessageTooLarge
	}
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.bus.singles[s.queue] = append(s.bus.singles[s.queue], m)
	return nil
}

func (s *fakeSender) NewBatch(context.Context) (sbBatch, error) {
	return &fakeBatch{limit: s.bus.Limit}, nil
}

func (s *fakeSender) SendBatch(_ context.Context, b sbBatch) error {
	fb, ok := b.(*fakeBatch)
	if !ok {
		return fmt.Errorf("fake: a %T is not this sender's batch", b)
	}
	if s.bus.FailSend != nil {
		if err := s.bus.FailSend(s.queue, ids(fb.msgs)); err != nil {
			return err
		}
	}
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.bus.batches[s.queue] = append(s.bus.batches[s.queue], fb.msgs)
	return nil
}

func (s *fakeSender) Close(context.Context) error { return nil }

type fakeBatch struct {
	limit, size int
	msgs        []*azservicebus.Message
}

func (b *fakeBatch) AddMessage(m *azservicebus.Message, _ *azservicebus.AddMessageOptions) error {
	if b.size+len(m.Body) > b.limit {
		return azservicebus.ErrMessageTooLarge
	}
	b.size += len(m.Body)
	b.msgs = append(b.msgs, m)
	return nil
}

func (b *fakeBatch) NumMessages() int32 { return int32(len(b.msgs)) }
