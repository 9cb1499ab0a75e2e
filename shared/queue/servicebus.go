package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/eventmkt/backend/shared/identity"
)

// ServiceBus publishes to Azure Service Bus queues. Message ids map to
// MessageId, so queues created with duplicate detection drop a resend.
// PublishAll sends in the SDK's message batches (one AMQP transfer per full
// batch instead of one per message), which is what the outbox uses.
type ServiceBus struct {
	open  func(queue string) (sbSender, error) // a sender for one queue
	close func(ctx context.Context) error      // the connection, after the senders

	mu      sync.Mutex
	senders map[string]sbSender
}

// sbSender is the part of a queue's *azservicebus.Sender the publisher uses.
// sdkSender adapts the real one; the tests use a fake with a byte limit,
// since Service Bus has no emulator to run against.
type sbSender interface {
	SendMessage(ctx context.Context, m *azservicebus.Message) error
	NewBatch(ctx context.Context) (sbBatch, error)
	SendBatch(ctx context.Context, b sbBatch) error
	Close(ctx context.Context) error
}

// sbBatch is the part of *azservicebus.MessageBatch the publisher uses; the
// SDK type satisfies it as it is. AddMessage answers
// azservicebus.ErrMessageTooLarge when the message does not fit.
type sbBatch interface {
	AddMessage(m *azservicebus.Message, options *azservicebus.AddMessageOptions) error
}

var (
	_ sbBatch        = (*azservicebus.MessageBatch)(nil)
	_ sbSender       = sdkSender{}
	_ BatchPublisher = (*ServiceBus)(nil)
)

// sdkSender is the real sender: batches sized by the SDK from the link's
// maximum (256 KB Standard, 1 MB Premium).
type sdkSender struct{ snd *azservicebus.Sender }

func (s sdkSender) SendMessage(ctx context.Context, m *azservicebus.Message) error {
	return s.snd.SendMessage(ctx, m, nil)
}

func (s sdkSender) NewBatch(ctx context.Context) (sbBatch, error) {
	b, err := s.snd.NewMessageBatch(ctx, nil)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return b, nil
}

func (s sdkSender) SendBatch(ctx context.Context, b sbBatch) error {
	mb, ok := b.(*azservicebus.MessageBatch)
	if !ok {
		return fmt.Errorf("queue: a %T is not a Service Bus batch", b)
	}
	return s.snd.SendMessageBatch(ctx, mb, nil)
}

func (s sdkSender) Close(ctx context.Context) error { return s.snd.Close(ctx) }

// NewServiceBus connects with a connection string or, when it is empty, with
// the app's managed identity (clientID names the user-assigned one;
// shared/identity) to the fully qualified namespace.
func NewServiceBus(connectionString, namespace, clientID string) (*ServiceBus, error) {
	var (
		client *azservicebus.Client
		err    error
	)
	if connectionString != "" {
		client, err = azservicebus.NewClientFromConnectionString(connectionString, nil)
	} else {
		cred, cerr := identity.Credential(clientID)
		if cerr != nil {
			return nil, fmt.Errorf("queue: service bus: %w", cerr)
		}
		client, err = azservicebus.NewClient(namespace, cred, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("queue: service bus client: %w", err)
	}
	open := func(queue string) (sbSender, error) {
		snd, err := client.NewSender(queue, nil)
		if err != nil {
			return nil, err
		}
		return sdkSender{snd}, nil
	}
	return newServiceBus(open, client.Close), nil
}

func newServiceBus(open func(string) (sbSender, error), close func(context.Context) error) *ServiceBus {
	return &ServiceBus{open: open, close: close, senders: map[string]sbSender{}}
}

func (s *ServiceBus) sender(queue string) (sbSender, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if snd, ok := s.senders[queue]; ok {
		return snd, nil
	}
	snd, err := s.open(queue)
	if err != nil {
		return nil, fmt.Errorf("queue: sender for %s: %w", queue, err)
	}
	s.senders[queue] = snd
	return snd, nil
}

// toServiceBus maps our message onto the SDK's; the fixtures show the
// receiving side (Subject, ApplicationProperties.type, CorrelationId).
// A batch carries each message's own properties, ScheduledEnqueueTime
// included (the SDK encodes every message in full), so single and batched
// sends map alike.
func toServiceBus(m Message) *azservicebus.Message {
	contentType := "application/json"
	msg := &azservicebus.Message{
		MessageID:   &m.ID,
		Body:        m.Body,
		ContentType: &contentType,
	}
	if m.Subject != "" {
		subject := m.Subject
		msg.Subject = &subject
		msg.ApplicationProperties = map[string]any{"type": subject}
	}
	if m.CorrelationID != "" {
		corr := m.CorrelationID
		msg.CorrelationID = &corr
	}
	if !m.ScheduledAt.IsZero() {
		at := m.ScheduledAt.UTC()
		msg.ScheduledEnqueueTime = &at
	}
	return msg
}

// Publish sends one message (scheduled when ScheduledAt is set).
func (s *ServiceBus) Publish(ctx context.Context, m Message) error {
	if err := m.validate(); err != nil {
		return err
	}
	snd, err := s.sender(m.Queue)
	if err != nil {
		return err
	}
	if err := snd.SendMessage(ctx, toServiceBus(m)); err != nil {
		return fmt.Errorf("queue: send %s to %s: %w", m.ID, m.Queue, err)
	}
	return nil
}

// PublishAll sends messages in batches, one sender per queue and the queues
// at once; each message gets its own error, so the outbox marks exactly the
// ones that went.
func (s *ServiceBus) PublishAll(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	byQueue := map[string][]int{}
	var queues []string
	for i, m := range msgs {
		if errs[i] = m.validate(); errs[i] != nil {
			continue
		}
		if _, ok := byQueue[m.Queue]; !ok {
			queues = append(queues, m.Queue)
		}
		byQueue[m.Queue] = append(byQueue[m.Queue], i)
	}
	var wg sync.WaitGroup
	for _, q := range queues {
		wg.Add(1)
		go func(idx []int) {
			defer wg.Done()
			snd, err := s.sender(q)
			if err != nil {
				for _, i := range idx {
					errs[i] = err
				}
				return
			}
			sendBatches(ctx, snd, q, msgs, idx, errs) // idx are disjoint: no lock on errs
		}(byQueue[q])
	}
	wg.Wait()
	return errs
}

// sendBatches sends msgs[idx] (all for queue) in as few batches as fit, in
// order: a full batch is sent and a new one started. A message too large for
// an empty batch fails alone. A failed send fails its batch and everything
// after it on this queue, so the queue's order holds when the outbox retries.
// Errors go to errs at the messages' indexes.
func sendBatches(ctx context.Context, snd sbSender, queue string, msgs []Message, idx []int, errs []error) {
	var (
		batch sbBatch
		in    []int // indexes in batch, not sent yet
	)
	abort := func(from int, err error) { // batch and the rest stay unsent
		for _, i := range slices.Concat(in, idx[from:]) {
			if errs[i] == nil {
				errs[i] = err
			}
		}
	}
	flush := func() error {
		err := snd.SendBatch(ctx, batch)
		if err != nil {
			err = fmt.Errorf("queue: send a batch of %d to %s: %w", len(in), queue, err)
			for _, i := range in {
				errs[i] = err
			}
		}
		batch, in = nil, in[:0]
		return err
	}
	for k, i := range idx {
		m := toServiceBus(msgs[i])
		if batch == nil {
			var err error
			if batch, err = snd.NewBatch(ctx); err != nil {
				abort(k, fmt.Errorf("queue: new batch for %s: %w", queue, err))
				return
			}
		}
		err := batch.AddMessage(m, nil)
		if errors.Is(err, azservicebus.ErrMessageTooLarge) && len(in) > 0 {
			// Full, or too large for any batch: only an empty batch tells
			// which, so try one before sending this one.
			next, nerr := snd.NewBatch(ctx)
			if nerr != nil {
				abort(k, fmt.Errorf("queue: new batch for %s: %w", queue, nerr))
				return
			}
			if err = next.AddMessage(m, nil); err == nil {
				if ferr := flush(); ferr != nil {
					abort(k, fmt.Errorf("queue: %s not sent, an earlier batch failed: %w", msgs[i].ID, ferr))
					return
				}
				batch = next
			}
		}
		if err != nil {
			errs[i] = fmt.Errorf("queue: add %s to a batch for %s: %w", msgs[i].ID, queue, err)
			continue
		}
		in = append(in, i)
	}
	if len(in) > 0 {
		_ = flush()
	}
}

// Close closes the senders and the connection.
func (s *ServiceBus) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, snd := range s.senders {
		_ = snd.Close(ctx)
	}
	if s.close == nil {
		return nil
	}
	return s.close(ctx)
}
