package event_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
)

// A failure after the status change rolls everything back: the event stays
// a draft, no seed is kept and no message is written or sent.
// readyEvent is one owner's draft made ready to publish by hand: plan,
// poster, dates and channels. parts stands in for the participation domain;
// wrap, when set, stands between the outbox and the broker.
type readyEvent struct {
	svc    *event.Service
	caller user.Caller
	id     uuid.UUID
	db     *postgres.DB
	rdb    goredis.UniversalClient
	broker *queue.RedisStreams
}

func newReadyEvent(t *testing.T, parts func(db *postgres.DB, rdb goredis.UniversalClient, prefix string) event.ParticipationReader, wrap func(queue.Publisher) queue.Publisher) readyEvent {
	t.Helper()
	ctx := context.Background()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	log := testenv.Logger(t)
	broker := queue.NewRedisStreams(rdb, prefix)
	var pub queue.Publisher = broker
	if wrap != nil {
		pub = wrap(broker)
	}
	ob := queue.NewOutbox(db, pub, log)
	now := func() time.Time { return time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC) }
	users, err := user.NewService(db, rdb, log, user.Config{BcryptCost: 4, KeyPrefix: prefix, Tokens: user.TokenConfig{
		Key: []byte("0123456789abcdef0123456789abcdef"), Issuer: "i", Audience: "a", AccessTTL: time.Minute, RefreshTTL: time.Hour}}, now)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := users.Register(ctx, user.RegisterInput{Name: "김사장", PhoneNumber: "01012341234", Email: "a@example.com", Password: "pass-word-1!",
		StoreName: "가게", Industry: "음식점", Address: "서울 마포구 1"})
	if err != nil {
		t.Fatal(err)
	}
	c := user.Caller{UserID: sess.UserID, StoreID: sess.StoreID, Role: user.RoleOwner}
	svc := event.NewService(db, rdb, ob, log, users, parts(db, rdb, prefix), event.Config{PublicWebURL: "https://x", KeyPrefix: prefix}, now)

	e, err := svc.Create(ctx, c, "REVISIT")
	if err != nil {
		t.Fatal(err)
	}
	recID, imgID := uuid.New(), uuid.New()
	for _, q := range []string{
		`INSERT INTO events.ai_recommendations (recommendation_id, event_id, event_name, description, promotion_type, target_audience, is_selected) VALUES ('` + recID.String() + `', $1, 'n', 'd', 'p', 't', true)`,
		`INSERT INTO events.generated_images (image_id, event_id, image_url, style, platform, is_selected) VALUES ('` + imgID.String() + `', $1, 'u', 'SIMPLE', 'KAKAO', true)`,
		`UPDATE events.events SET event_name = 'n', start_date = '2026-11-23', end_date = '2026-11-30', selected_recommendation_id = '` + recID.String() + `',
			selected_image_id = '` + imgID.String() + `', selected_image_url = 'u', channels = '["KAKAO","NAVER"]' WHERE event_id = $1`,
	} {
		if _, err := db.Exec(ctx, q, e.EventID); err != nil {
			t.Fatal(err)
		}
	}
	return readyEvent{svc: svc, caller: c, id: e.EventID, db: db, rdb: rdb, broker: broker}
}

func counter(db *postgres.DB, rdb goredis.UniversalClient, prefix string) event.ParticipationReader {
	return participation.NewCounter(db, rdb, prefix)
}

// A failure after the status change rolls everything back: the event stays
// a draft, no seed is kept and no message is written or sent.
func TestPublishIsAtomic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newReadyEvent(t, counter, nil)
	svc, c, db, rdb, broker, id := r.svc, r.caller, r.db, r.rdb, r.broker, r.id

	boom := errors.New("injected failure after the update")
	event.SetAfterPublishUpdate(svc, func() error { return boom })
	if _, err := svc.Publish(ctx, c, id); !errors.Is(err, boom) {
		t.Fatalf("publish: %v, want the injected failure", err)
	}
	var status string
	var seed []byte
	var outbox int
	if err := db.QueryRow(ctx, `SELECT status, draw_seed, (SELECT count(*) FROM outbox.messages) FROM events.events WHERE event_id = $1`, id).Scan(&status, &seed, &outbox); err != nil {
		t.Fatal(err)
	}
	if status != event.StatusDraft || seed != nil || outbox != 0 {
		t.Errorf("after a failed publish: status %s, seed %x, %d outbox rows", status, seed, outbox)
	}
	for _, q := range queue.Queues {
		if n := rdb.XLen(ctx, broker.Stream(q)).Val(); n != 0 {
			t.Errorf("%d messages on %s", n, q)
		}
	}

	// Without the failure it goes through, with exactly its messages.
	event.SetAfterPublishUpdate(svc, nil)
	out, err := svc.Publish(ctx, c, id)
	if err != nil || out.Status != event.StatusPublished {
		t.Fatalf("publish: %v %v", out, err)
	}
	if n := rdb.XLen(ctx, broker.Stream(queue.DistributionJobs)).Val(); n != 2 {
		t.Errorf("%d distribution messages, want 2", n)
	}
	msgs, _ := rdb.XRange(ctx, broker.Stream(queue.AnalyticsEvents), "-", "+").Result()
	entry, _ := queue.DecodeFields(msgs[0].Values)
	var created event.EventCreated
	if err := json.Unmarshal(entry.Body, &created); err != nil || created.EventID != id || created.Industry != "음식점" || created.Title != "n" {
		t.Errorf("event.EventCreated: %+v %v", created, err)
	}
}

// slowDraw holds the first DrawState call until released, so a snapshot
// rebuild can be caught between reading its sources and caching them.
type slowDraw struct {
	event.ParticipationReader
	reading, release chan struct{}
	once             sync.Once
}

func (d *slowDraw) DrawState(ctx context.Context, id uuid.UUID) (event.DrawState, error) {
	d.once.Do(func() { close(d.reading); <-d.release })
	return d.ParticipationReader.DrawState(ctx, id)
}

// A rebuild that read the event before a change and finishes after it must
// not put the old page back in the cache: the next reader sees the change.
func TestSlowRebuildNeverRestoresAStalePage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	slow := &slowDraw{reading: make(chan struct{}), release: make(chan struct{})}
	r := newReadyEvent(t, func(db *postgres.DB, rdb goredis.UniversalClient, prefix string) event.ParticipationReader {
		slow.ParticipationReader = counter(db, rdb, prefix)
		return slow
	}, nil)
	if _, err := r.svc.Publish(ctx, r.caller, r.id); err != nil {
		t.Fatal(err)
	}
	done := make(chan event.Public)
	go func() {
		p, err := r.svc.Snapshot(ctx, r.id)
		if err != nil {
			t.Error(err)
		}
		done <- p
	}()
	<-slow.reading // the rebuild has read the event as PUBLISHED
	if _, err := r.svc.End(ctx, r.caller, r.id); err != nil {
		t.Fatal(err)
	}
	close(slow.release)
	if got := (<-done).Status; got != event.StatusPublished {
		t.Fatalf("the slow rebuild saw %s, want the page as it was when it began (PUBLISHED)", got)
	}
	p, err := r.svc.Snapshot(ctx, r.id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != event.StatusEnded {
		t.Errorf("after the end, the page says %s, want %s", p.Status, event.StatusEnded)
	}
}

// fastWorker finishes every job the moment its message is sent, before the
// request that queued it has answered: the worker winning that race.
type fastWorker struct {
	queue.Publisher
	svc *event.Service
}

func (w *fastWorker) Publish(ctx context.Context, msg queue.Message) error {
	if err := w.Publisher.Publish(ctx, msg); err != nil {
		return err
	}
	var job struct {
		JobID uuid.UUID `json:"jobId"`
	}
	if json.Unmarshal(msg.Body, &job) != nil || job.JobID == uuid.Nil {
		return nil
	}
	return w.svc.FailJob(ctx, job.JobID, "finished before the request answered")
}

// A worker faster than the request that queued its job: the owner must
// see the job's end, never the PENDING the request caches after sending.
func TestJobStatusSurvivesAFastWorker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := &fastWorker{}
	r := newReadyEvent(t, counter, func(p queue.Publisher) queue.Publisher { w.Publisher = p; return w })
	w.svc = r.svc
	j, err := r.svc.RequestRecommendations(ctx, r.caller, r.id, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.svc.GetJob(ctx, r.caller, j.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "FAILED" {
		t.Errorf("job status %s, want FAILED (the worker's word)", got.Status)
	}
}
