package queue

import (
	"context"
	"fmt"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"

	"github.com/eventmkt/backend/shared/identity"
)

// ServiceBus publishes to Azure Service Bus queues. Message ids map to
// MessageId, so queues created with duplicate detection drop a resend.
type ServiceBus struct {
	client *azservicebus.Client

	mu      sync.Mutex
	senders map[string]*azservicebus.Sender
}

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
	return &ServiceBus{client: client, senders: map[string]*azservicebus.Sender{}}, nil
}

func (s *ServiceBus) sender(queue string) (*azservicebus.Sender, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if snd, ok := s.senders[queue]; ok {
		return snd, nil
	}
	snd, err := s.client.NewSender(queue, nil)
	if err != nil {
		return nil, err
	}
	s.senders[queue] = snd
	return snd, nil
}

// toServiceBus maps our message onto the SDK's; the fixtures show the
// receiving side (Subject, ApplicationProperties.type, CorrelationId).
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
		return fmt.Errorf("queue: sender for %s: %w", m.Queue, err)
	}
	if err := snd.SendMessage(ctx, toServiceBus(m), nil); err != nil {
		return fmt.Errorf("queue: send %s to %s: %w", m.ID, m.Queue, err)
	}
	return nil
}

// Close closes the senders and the connection.
func (s *ServiceBus) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, snd := range s.senders {
		_ = snd.Close(ctx)
	}
	return s.client.Close(ctx)
}
