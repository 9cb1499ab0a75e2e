package queue

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// The fields the consuming side reads (see the servicebus fixtures) are set.
func TestToServiceBus(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 3, 0, 0, 0, time.FixedZone("KST", 9*3600))
	m := Message{ID: "dist-e1-INSTAGRAM", Queue: DistributionJobs, Subject: "DistributeChannel", CorrelationID: "e1", Body: []byte(`{"a":1}`), ScheduledAt: at}
	got := toServiceBus(m)
	if *got.MessageID != m.ID || *got.Subject != m.Subject || *got.CorrelationID != "e1" || *got.ContentType != "application/json" ||
		string(got.Body) != `{"a":1}` || got.ApplicationProperties["type"] != m.Subject || !got.ScheduledEnqueueTime.Equal(at) || got.ScheduledEnqueueTime.Location() != time.UTC {
		t.Errorf("mapped badly: %+v", got)
	}
	plain := toServiceBus(Message{ID: "x", Queue: "q", Body: []byte(`{}`)})
	if plain.Subject != nil || plain.CorrelationID != nil || plain.ScheduledEnqueueTime != nil || plain.ApplicationProperties != nil {
		t.Errorf("empty fields must stay unset: %+v", plain)
	}
}

// sized is a message whose body is n bytes long.
func sized(id, queue string, n int) Message {
	body := []byte(`{"p":"` + strings.Repeat("x", n-8) + `"}`)
	return Message{ID: id, Queue: queue, Subject: "EventCreated", CorrelationID: "e-" + id, Body: body}
}

// PublishAll fills one batch per queue up to the byte limit, sends it,
// starts another, and gives each message its own result.
func TestServiceBusPublishAllBatches(t *testing.T) {
	t.Parallel()
	boom := errors.New("link detached")
	seq := func(queue string, from, to, size int) []Message {
		var out []Message
		for i := from; i < to; i++ {
			out = append(out, sized(fmt.Sprintf("%s-%02d", queue, i), queue, size))
		}
		return out
	}
	type want struct {
		batches map[string][]int // batch sizes per queue
		failed  []string         // ids with an error
	}
	cases := []struct {
		name     string
		msgs     []Message
		failSend func(queue string, ids []string) error
		want     want
	}{
		{
			name: "full batches are sent and new ones started",
			msgs: seq("a", 0, 25, 100),
			want: want{batches: map[string][]int{"a": {10, 10, 5}}},
		},
		{
			name: "one batch series per queue",
			msgs: append(append(seq("a", 0, 6, 100), seq("b", 0, 3, 100)...), seq("a", 6, 12, 100)...),
			want: want{batches: map[string][]int{"a": {10, 2}, "b": {3}}},
		},
		{
			name: "a message too large for an empty batch fails alone",
			msgs: append(append(seq("a", 0, 3, 100), sized("a-big", "a", 1500)), seq("a", 3, 5, 100)...),
			want: want{batches: map[string][]int{"a": {5}}, failed: []string{"a-big"}},
		},
		{
			name: "a message too large after a full batch fails alone",
			msgs: append(append(seq("a", 0, 10, 100), sized("a-big", "a", 1001)), seq("a", 10, 12, 100)...),
			want: want{batches: map[string][]int{"a": {10, 2}}, failed: []string{"a-big"}},
		},
		{
			name: "a message that fits alone closes a batch",
			msgs: append(append(seq("a", 0, 3, 100), sized("a-fill", "a", 1000)), seq("a", 3, 5, 100)...),
			want: want{batches: map[string][]int{"a": {3, 1, 2}}},
		},
		{
			name: "a failed send fails its batch and the rest of its queue only",
			msgs: append(seq("a", 0, 25, 100), seq("b", 0, 2, 100)...),
			failSend: func(queue string, ids []string) error {
				if queue == "a" && ids[0] == "a-10" {
					return boom
				}
				return nil
			},
			want: want{batches: map[string][]int{"a": {10}, "b": {2}}, failed: ids(toSB(seq("a", 10, 25, 100)))},
		},
		{
			name: "an invalid message fails alone",
			msgs: append(seq("a", 0, 2, 100), Message{ID: "bad", Queue: "a", Body: []byte("{")}),
			want: want{batches: map[string][]int{"a": {2}}, failed: []string{"bad"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sb, bus := NewFakeServiceBus(1000)
			bus.FailSend = tc.failSend
			errs := sb.PublishAll(context.Background(), tc.msgs)

			got := want{batches: map[string][]int{}}
			for i, err := range errs {
				if err != nil {
					got.failed = append(got.failed, tc.msgs[i].ID)
				}
			}
			queues := map[string]bool{}
			for _, m := range tc.msgs {
				queues[m.Queue] = true
			}
			for q := range queues {
				for _, b := range bus.Batches(q) {
					got.batches[q] = append(got.batches[q], len(b))
				}
				if s := bus.Singles(q); len(s) > 0 {
					t.Errorf("queue %s: %d single sends, want none", q, len(s))
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			// Every message sent is the one toServiceBus maps, in order within its queue.
			for q := range queues {
				var sentOrder, inOrder []string
				for _, b := range bus.Batches(q) {
					sentOrder = append(sentOrder, b...)
				}
				sent := bus.Sent(q)
				for i, m := range tc.msgs {
					if m.Queue != q || errs[i] != nil {
						continue
					}
					inOrder = append(inOrder, m.ID)
					if !reflect.DeepEqual(sent[m.ID], toServiceBus(m)) {
						t.Errorf("%s sent as %+v, want %+v", m.ID, sent[m.ID], toServiceBus(m))
					}
				}
				if !reflect.DeepEqual(sentOrder, inOrder) {
					t.Errorf("queue %s sent %v, want %v", q, sentOrder, inOrder)
				}
			}
			for i, err := range errs {
				if tc.msgs[i].ID == "a-big" && !errors.Is(err, azservicebus.ErrMessageTooLarge) {
					t.Errorf("a-big: %v, want ErrMessageTooLarge", err)
				}
				if tc.failSend != nil && err != nil && !errors.Is(err, boom) {
					t.Errorf("%s: %v, want the send's error", tc.msgs[i].ID, err)
				}
			}
		})
	}
}

func toSB(msgs []Message) []*azservicebus.Message {
	out := make([]*azservicebus.Message, len(msgs))
	for i, m := range msgs {
		out[i] = toServiceBus(m)
	}
	return out
}
