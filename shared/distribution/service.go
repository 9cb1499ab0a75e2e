// Package distribution fans a published event out to its channels: one
// queue message per channel, each channel independent, transient failures
// retried by rescheduling the message (never by sleeping), a circuit
// breaker per channel shared through Redis, never a double post, every
// attempt logged to Table storage, and one DistributionCompleted for
// analytics when every channel has settled.
package distribution

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/user"
)

// Error codes (API.md).
const (
	CodeUnknownChannel = "DIST_001" // 400: not one of the event's channels
	CodeNotFailed      = "DIST_002" // 409: only a FAILED channel can be retried
	CodeNotDistributed = "DIST_004" // 404: the event was never published
)

// Overall and channel states (seed distribution ERD).
const (
	OverallInProgress = "IN_PROGRESS"
	OverallCompleted  = "COMPLETED"
	OverallPartial    = "PARTIAL_SUCCESS"
	OverallFailed     = "FAILED"

	StatusPending    = "PENDING"
	StatusInProgress = "IN_PROGRESS"
	StatusSuccess    = "SUCCESS"
	StatusFailed     = "FAILED"
)

// Message types this domain sends to analytics-events.
const (
	TypeDistributionCompleted = "DistributionCompleted"
	TypeChannelMetrics        = "ChannelMetrics"
)

// ChannelType is the seed's channel category.
func ChannelType(channel string) string {
	switch channel {
	case UriDongneTV, GiniTV:
		return "TV"
	case RingoBiz:
		return "CALL"
	default:
		return "SNS"
	}
}

// idPrefix starts a channel's distribution id, as the original design did
// ("wtv-<uuid>").
var idPrefix = map[string]string{UriDongneTV: "wtv", RingoBiz: "rgb", GiniTV: "gtv", Instagram: "ig", Naver: "nvr", Kakao: "kko"}

// EventReader is what this domain needs from events: ownership checks.
type EventReader interface {
	Owned(ctx context.Context, c user.Caller, id uuid.UUID) (event.Info, error)
}

// Config holds the retry, breaker and cache rules.
type Config struct {
	MaxAttempts int           // per round, including the first (default 6: 1, 2, 4, 8, 16 s apart)
	BaseBackoff time.Duration // first retry delay (1 s)
	MaxBackoff  time.Duration // cap on one delay (5 min)
	// Lease is how long one delivery owns a channel's call. It must outlast
	// the invocation's deadline plus StateTimeout, so a live call never
	// loses its lease; once it has run out the call is dead and another
	// delivery (a redelivery, the takeover scheduled for it, or the owner's
	// retry) takes the channel over. Default 5 min.
	Lease time.Duration
	// StateTimeout bounds the writes that must outlive the call (the resume
	// state, the outcome, the follow-up job): they run on a context detached
	// from the invocation's, so a call killed by its deadline still records
	// what it did. Default 10 s.
	StateTimeout     time.Duration
	BreakerThreshold int           // failures in a row that open a channel's breaker (5)
	BreakerCooldown  time.Duration // how long it stays open before a probe (30 s)
	AttemptTable     string        // Table storage log of attempts
	KeyPrefix        string        // Redis key prefix ("" in production)
	MetricsWindow    time.Duration // pull metrics for posts younger than this (30 days)
	MetricsEvery     time.Duration // at most this often per post (4 min)
}

func (c *Config) defaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 6
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.Lease <= 0 {
		c.Lease = 5 * time.Minute
	}
	if c.StateTimeout <= 0 {
		c.StateTimeout = 10 * time.Second
	}
	if c.AttemptTable == "" {
		c.AttemptTable = "distributionattempts"
	}
	if c.MetricsWindow <= 0 {
		c.MetricsWindow = 30 * 24 * time.Hour
	}
	if c.MetricsEvery <= 0 {
		c.MetricsEvery = 4 * time.Minute
	}
}

// Service is the distribution domain.
type Service struct {
	db       *postgres.DB
	rdb      goredis.UniversalClient
	outbox   *queue.Outbox
	tables   *aztables.ServiceClient
	attempts *aztables.Client
	tableOK  atomic.Bool // the attempt table is known to exist
	events   EventReader
	adapters map[string]Adapter
	breaker  *Breaker
	log      *slog.Logger
	now      func() time.Time
	cfg      Config
}

// NewService wires the domain; adapters has one Adapter per channel.
func NewService(db *postgres.DB, rdb goredis.UniversalClient, outbox *queue.Outbox, tables *aztables.ServiceClient, events EventReader,
	adapters []Adapter, log *slog.Logger, cfg Config, now func() time.Time) *Service {
	cfg.defaults()
	if now == nil {
		now = time.Now
	}
	byName := make(map[string]Adapter, len(adapters))
	for _, a := range adapters {
		byName[a.Channel()] = a
	}
	return &Service{db: db, rdb: rdb, outbox: outbox, tables: tables, attempts: tables.NewClient(cfg.AttemptTable), events: events, adapters: byName,
		breaker: NewBreaker(rdb, cfg.KeyPrefix, cfg.BreakerThreshold, cfg.BreakerCooldown, now), log: log, now: now, cfg: cfg}
}

// AttemptTable is the Table storage table of the attempt log.
func (s *Service) AttemptTable() string { return s.cfg.AttemptTable }

func (s *Service) statusKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "event:" + id.String() + ":distribution"
}

// InitialMessageID is the id EventPublish gives a channel's first job.
func InitialMessageID(eventID uuid.UUID, channel string) string {
	return "dist-" + eventID.String() + "-" + channel
}

// nextMessageID names a follow-up job (a retry, a reschedule): unique, so a
// broker's duplicate detection never drops it.
func nextMessageID(eventID uuid.UUID, channel string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return InitialMessageID(eventID, channel) + "-" + hex.EncodeToString(b)
}

// Outcome is what one delivery of a job did, for logs and tests.
type Outcome string

// Outcomes of Distribute.
const (
	OutcomePosted      Outcome = "POSTED"       // the channel call succeeded
	OutcomeFailed      Outcome = "FAILED"       // a permanent failure, or the attempts ran out
	OutcomeRescheduled Outcome = "RESCHEDULED"  // a transient failure: the job comes back later
	OutcomeBreakerOpen Outcome = "BREAKER_OPEN" // not attempted: the job comes back after the cooldown
	OutcomeSkipped     Outcome = "SKIPPED"      // already settled, or superseded by a newer job
	OutcomeLeased      Outcome = "LEASED"       // another delivery holds the call: a takeover is scheduled for when its lease runs out
)

// channelRow is the part of channel_status a delivery works with.
type channelRow struct {
	ID             int64
	DistID         int64
	Status         string
	MessageID      *string
	DistributionID string
	Attempts       int
	Retries        int
	ResumeState    *string
	LeaseUntil     *time.Time
}

// Distribute handles one delivery of a channel job. It returns nil when the
// message is done with (posted, failed for good, rescheduled as a new
// message, or a duplicate); a permanent error (apperr.IsPermanent) when it
// can never be (a channel this app does not serve); any other error asks
// the host to deliver it again (Postgres unreachable, or another delivery
// of it is still in flight).
func (s *Service) Distribute(ctx context.Context, messageID string, job event.DistributeChannel) (Outcome, error) {
	adapter, ok := s.adapters[job.Channel]
	if !ok || job.EventID == uuid.Nil {
		return "", apperr.Permanent(apperr.Invalidf(CodeUnknownChannel, "job for event %s names channel %q, which this app does not serve", job.EventID, job.Channel))
	}
	row, err := s.ensure(ctx, job)
	if err != nil {
		return "", err
	}
	log := s.log.With("eventId", job.EventID, "channel", job.Channel, "messageId", messageID)
	// A takeover job stands for the job whose call it watches.
	messageID = ownerOf(messageID)
	if skip, why := superseded(row, messageID); skip {
		log.InfoContext(ctx, "distribution job acknowledged without a call: "+why, "status", row.Status)
		return OutcomeSkipped, nil
	}
	now := s.now()
	state, err := s.breaker.Allow(ctx, job.Channel)
	if err != nil {
		log.WarnContext(ctx, "breaker state unavailable; calling the channel anyway", "error", err)
		state = BreakerState{Allowed: true}
	}
	if !state.Allowed {
		if err := s.reschedule(ctx, row, messageID, job, state.RetryAt, false, "circuit open: "+job.Channel+" failed repeatedly; next try at "+state.RetryAt.UTC().Format(time.RFC3339), ""); err != nil {
			return "", err
		}
		log.InfoContext(ctx, "channel circuit open; job rescheduled", "retryAt", state.RetryAt)
		return OutcomeBreakerOpen, nil
	}
	row, err = s.claim(ctx, row, messageID, job, now)
	var leased *leasedError
	switch {
	case errors.Is(err, errSuperseded):
		log.InfoContext(ctx, "distribution job acknowledged without a call: superseded meanwhile")
		return OutcomeSkipped, nil
	case errors.As(err, &leased):
		// Another delivery is calling (or died calling: its lease says until
		// when it may be alive). Refusing would burn this message's
		// deliveries into the dead-letter queue while the channel stays
		// IN_PROGRESS; instead a takeover job comes back when the lease has
		// run out, and this delivery completes.
		if err := s.scheduleTakeover(ctx, messageID, job, leased.until); err != nil {
			return "", err
		}
		log.InfoContext(ctx, "channel leased by another delivery; takeover scheduled", "leaseUntil", leased.until)
		return OutcomeLeased, nil
	case err != nil:
		return "", err
	}
	post := Post{DistributionID: row.DistributionID, EventID: job.EventID.String(), Channel: job.Channel, EventName: job.EventName,
		Description: job.Description, Prize: job.Prize, StartDate: job.StartDate, EndDate: job.EndDate, ImageURL: job.ImageURL,
		StoreName: job.StoreName, StoreAddress: job.StoreAddress, StorePhone: job.StorePhone, ParticipateURL: job.ParticipateURL, Settings: job.Settings}
	if row.ResumeState != nil {
		post.Resume = *row.ResumeState
	}
	post.Checkpoint = func(state string) { s.checkpoint(ctx, row, messageID, state) }
	if len(post.Settings) == 0 {
		post.Settings = json.RawMessage(`{}`)
	}
	started := s.now()
	res, callErr := adapter.Publish(ctx, post)
	latency := s.now().Sub(started)
	// Whatever happened is recorded even if the invocation's deadline has
	// passed (or the host is cancelling it): on a context of its own.
	expired := ctx.Err() != nil
	ctx, cancel := s.detached(ctx)
	defer cancel()
	if callErr != nil && expired {
		callErr = fmt.Errorf("the invocation ran out of time: %w", callErr)
	}
	s.logAttempt(ctx, job, row, messageID, started, latency, res, callErr)

	switch {
	case callErr == nil:
		if err := s.breaker.Success(ctx, job.Channel); err != nil {
			log.WarnContext(ctx, "breaker not reset", "error", err)
		}
		if err := s.settle(ctx, row, messageID, StatusSuccess, res, ""); err != nil {
			return "", err
		}
		log.InfoContext(ctx, "posted", "attempt", row.Attempts, "postId", res.PostID, "postUrl", res.PostURL, "latencyMs", latency.Milliseconds())
		return OutcomePosted, nil
	case !IsTransient(callErr):
		_ = s.breaker.Success(ctx, job.Channel) // the remote answered: it is up
		if err := s.settle(ctx, row, messageID, StatusFailed, Result{}, callErr.Error()); err != nil {
			return "", err
		}
		log.WarnContext(ctx, "channel failed for good", "attempt", row.Attempts, "error", callErr)
		return OutcomeFailed, nil
	}
	if expired {
		// Our own deadline, not the channel's failure: the breaker is untouched.
	} else if err := s.breaker.Failure(ctx, job.Channel); err != nil {
		log.WarnContext(ctx, "breaker failure not counted", "error", err)
	}
	var resume string
	var re *ResumeError
	if errors.As(callErr, &re) {
		resume = re.State
	}
	if row.Retries+1 >= s.cfg.MaxAttempts {
		msg := fmt.Sprintf("gave up after %d attempts: %v", row.Retries+1, callErr)
		if err := s.settle(ctx, row, messageID, StatusFailed, Result{}, msg); err != nil {
			return "", err
		}
		log.WarnContext(ctx, "channel failed: attempts exhausted", "attempts", row.Retries+1, "error", callErr)
		return OutcomeFailed, nil
	}
	delay := s.backoff(row.Retries, callErr)
	at := s.now().Add(delay)
	if err := s.reschedule(ctx, row, messageID, job, at, true, callErr.Error(), resume); err != nil {
		return "", err
	}
	log.InfoContext(ctx, "transient failure; job rescheduled", "attempt", row.Attempts, "retryIn", delay.String(), "error", callErr)
	return OutcomeRescheduled, nil
}

// detached returns a context that outlives ctx's cancellation and deadline,
// bounded by StateTimeout, for writes that record what a call did.
func (s *Service) detached(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), s.cfg.StateTimeout)
}

// checkpoint stores an adapter's progress the moment a remote step answered,
// on a context of its own: the call may be killed right after. It is fenced
// by the claim (message id and attempt number), so a call whose lease was
// taken over cannot overwrite the new owner's state.
func (s *Service) checkpoint(ctx context.Context, row channelRow, messageID, state string) {
	ctx, cancel := s.detached(ctx)
	defer cancel()
	now := s.now()
	tag, err := s.db.Exec(ctx, `UPDATE distribution.channel_status SET resume_state = $4, update_timestamp = $5, updated_at = $5
		WHERE id = $1 AND message_id = $2 AND attempts = $3 AND status = 'IN_PROGRESS'`, row.ID, messageID, row.Attempts, state, now)
	switch {
	case err != nil:
		s.log.ErrorContext(ctx, "channel progress not saved; a retry may repeat the step", "distributionId", row.DistributionID, "error", err)
	case tag.RowsAffected() == 0:
		s.log.WarnContext(ctx, "channel progress not saved: the call lost its claim", "distributionId", row.DistributionID)
	}
}

// takeoverMark joins a job's id and its takeover's: "<id>~takeover-<lease>".
const takeoverMark = "~takeover-"

// ownerOf is the job a message stands for: itself, or for a takeover job,
// the job whose leased call it watches.
func ownerOf(messageID string) string {
	if i := strings.Index(messageID, takeoverMark); i > 0 {
		return messageID[:i]
	}
	return messageID
}

// scheduleTakeover sends a job that comes back just after the lease ends:
// if the call holding it died, that job takes the channel over (and resumes
// from its checkpoint); if the call settled or handed over meanwhile, the job
// is superseded and does nothing. Its id is fixed per lease, so however many
// deliveries hit one lease, one takeover is sent.
func (s *Service) scheduleTakeover(ctx context.Context, owner string, job event.DistributeChannel, until time.Time) error {
	id := owner + takeoverMark + strconv.FormatInt(until.UnixMilli(), 36)
	m, err := queue.NewMessage(id, queue.DistributionJobs, event.TypeDistribute, job.EventID.String(), job)
	if err != nil {
		return err
	}
	m.ScheduledAt = until.Add(time.Second)
	return s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error { return s.outbox.Enqueue(ctx, tx, m) })
}

// superseded reports whether a delivery must not call the channel: it is
// settled, or a newer job (a retry or reschedule) owns it now.
func superseded(row channelRow, messageID string) (bool, string) {
	switch {
	case row.Status == StatusSuccess:
		return true, "the channel is already posted"
	case row.Status == StatusFailed:
		return true, "the channel has failed; DistributionRetry re-queues it"
	case row.MessageID != nil && *row.MessageID != messageID:
		return true, "a newer job owns the channel"
	}
	return false, ""
}

// backoff is BaseBackoff x 2^retries, capped, and never shorter than the
// remote's Retry-After.
func (s *Service) backoff(retries int, err error) time.Duration {
	d := s.cfg.BaseBackoff << min(retries, 20)
	if d > s.cfg.MaxBackoff || d <= 0 {
		d = s.cfg.MaxBackoff
	}
	var ce *CallError
	if errors.As(err, &ce) && ce.RetryAfter > d {
		d = min(ce.RetryAfter, 24*time.Hour)
	}
	return d
}

// ensure creates the event's distribution and all its channel rows (from
// whichever job arrives first) and returns this channel's row.
func (s *Service) ensure(ctx context.Context, job event.DistributeChannel) (channelRow, error) {
	if row, err := s.load(ctx, s.db, job.EventID, job.Channel, false); err == nil || apperr.KindOf(err) != apperr.Invalid {
		return row, err
	}
	channels := job.Channels
	if !slices.Contains(channels, job.Channel) {
		channels = append(slices.Clone(channels), job.Channel)
	}
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		now := s.now()
		var distID int64
		err := tx.QueryRow(ctx, `INSERT INTO distribution.distribution_status (event_id, overall_status, started_at, created_at, updated_at)
			VALUES ($1, 'IN_PROGRESS', $2, $2, $2) ON CONFLICT (event_id) DO UPDATE SET event_id = EXCLUDED.event_id RETURNING id`,
			job.EventID, now).Scan(&distID)
		if err != nil {
			return fmt.Errorf("distribution: start %s: %w", job.EventID, err)
		}
		for _, ch := range channels {
			if _, ok := idPrefix[ch]; !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO distribution.channel_status (distribution_status_id, event_id, channel, status, progress,
				distribution_id, message_id, update_timestamp, created_at, updated_at)
				VALUES ($1, $2, $3, 'PENDING', 0, $4, $5, $6, $6, $6) ON CONFLICT (distribution_status_id, channel) DO NOTHING`,
				distID, job.EventID, ch, idPrefix[ch]+"-"+uuid.NewString(), InitialMessageID(job.EventID, ch), now); err != nil {
				return fmt.Errorf("distribution: channel %s: %w", ch, err)
			}
		}
		// A channel added to a distribution that had already settled (a job
		// from before jobs named all channels) reopens it.
		if _, err := tx.Exec(ctx, `UPDATE distribution.distribution_status SET overall_status = 'IN_PROGRESS', completed_at = NULL, updated_at = $2
			WHERE id = $1 AND overall_status <> 'IN_PROGRESS'
				AND EXISTS (SELECT 1 FROM distribution.channel_status WHERE distribution_status_id = $1 AND status IN ('PENDING', 'IN_PROGRESS'))`, distID, now); err != nil {
			return fmt.Errorf("distribution: reopen %s: %w", job.EventID, err)
		}
		return nil
	})
	if err != nil {
		return channelRow{}, err
	}
	s.forget(ctx, job.EventID)
	return s.load(ctx, s.db, job.EventID, job.Channel, false)
}

func (s *Service) load(ctx context.Context, q postgres.Querier, eventID uuid.UUID, channel string, lock bool) (channelRow, error) {
	sql := `SELECT id, distribution_status_id, status, message_id, distribution_id, attempts, retries, resume_state, lease_until
		FROM distribution.channel_status WHERE event_id = $1 AND channel = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	var r channelRow
	err := q.QueryRow(ctx, sql, eventID, channel).Scan(&r.ID, &r.DistID, &r.Status, &r.MessageID, &r.DistributionID, &r.Attempts, &r.Retries, &r.ResumeState, &r.LeaseUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, apperr.Permanent(apperr.New(apperr.Invalid, CodeUnknownChannel, channel+" is not one of this event's channels"))
	}
	if err != nil {
		return r, fmt.Errorf("distribution: load %s/%s: %w", eventID, channel, err)
	}
	return r, nil
}

// leasedError: another delivery of the same job holds the call until then.
type leasedError struct{ until time.Time }

func (e *leasedError) Error() string {
	return "another delivery of this job is calling the channel until " + e.until.UTC().Format(time.RFC3339)
}

// errSuperseded: the channel settled or changed hands between load and claim.
var errSuperseded = errors.New("distribution: superseded")

// claim takes the channel for one call: a lease, so a second delivery of
// the same message (Service Bus is at-least-once) cannot call it at the same
// time, and the attempt number, which also fences the call's later writes.
// A lease that has run out belongs to a dead call and is taken over.
func (s *Service) claim(ctx context.Context, row channelRow, messageID string, job event.DistributeChannel, now time.Time) (channelRow, error) {
	body, err := json.Marshal(job)
	if err != nil {
		return row, err
	}
	err = s.db.QueryRow(ctx, `UPDATE distribution.channel_status SET status = 'IN_PROGRESS', progress = 50, attempts = attempts + 1,
			lease_until = $3, message_id = $2, job = coalesce(job, $4), update_timestamp = $5, updated_at = $5
		WHERE id = $1 AND status IN ('PENDING', 'IN_PROGRESS') AND (message_id IS NULL OR message_id = $2)
			AND (lease_until IS NULL OR lease_until < $5)
		RETURNING attempts, retries, resume_state`, row.ID, messageID, now.Add(s.cfg.Lease), body, now).Scan(&row.Attempts, &row.Retries, &row.ResumeState)
	if errors.Is(err, pgx.ErrNoRows) {
		cur, err := s.load(ctx, s.db, job.EventID, job.Channel, false)
		if err != nil {
			return row, err
		}
		if skip, _ := superseded(cur, messageID); skip || cur.LeaseUntil == nil {
			return cur, errSuperseded
		}
		return cur, &leasedError{until: *cur.LeaseUntil}
	}
	if err != nil {
		return row, fmt.Errorf("distribution: claim %s/%s: %w", job.EventID, job.Channel, err)
	}
	s.forget(ctx, job.EventID)
	return row, nil
}

// reschedule hands the channel to a new job due at `at`, in the same
// transaction that records why; retry counts a transient failure (a breaker
// wait does not).
func (s *Service) reschedule(ctx context.Context, row channelRow, messageID string, job event.DistributeChannel, at time.Time, retry bool, reason, resume string) error {
	next := nextMessageID(job.EventID, job.Channel)
	job.Attempt = row.Attempts + 1
	m, err := queue.NewMessage(next, queue.DistributionJobs, event.TypeDistribute, job.EventID.String(), job)
	if err != nil {
		return err
	}
	m.ScheduledAt = at
	now := s.now()
	err = s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		inc := 0
		if retry {
			inc = 1
		}
		tag, err := tx.Exec(ctx, `UPDATE distribution.channel_status SET status = 'IN_PROGRESS', progress = greatest(coalesce(progress, 0), 25),
				message_id = $3, lease_until = NULL, retries = retries + $4::integer, last_retry_at = CASE WHEN $4::integer = 1 THEN $5 ELSE last_retry_at END,
				error_message = $6, resume_state = coalesce(nullif($7::text, ''), resume_state), next_attempt_at = $8, update_timestamp = $5, updated_at = $5
			WHERE id = $1 AND coalesce(message_id, $2) = $2 AND status IN ('PENDING', 'IN_PROGRESS') AND attempts = $9`,
			row.ID, messageID, next, inc, now, reason, resume, at, row.Attempts)
		if err != nil {
			return fmt.Errorf("distribution: reschedule %s/%s: %w", job.EventID, job.Channel, err)
		}
		if tag.RowsAffected() == 0 {
			return nil // superseded meanwhile: the newer job carries on
		}
		return s.outbox.Enqueue(ctx, tx, m)
	})
	if err == nil {
		s.forget(ctx, job.EventID)
	}
	return err
}

// settle records a channel's final state and, under the distribution's row
// lock, settles the whole distribution when it was the last channel out:
// exactly one DistributionCompleted per settlement.
func (s *Service) settle(ctx context.Context, row channelRow, messageID, status string, res Result, reason string) error {
	now := s.now()
	var eventID uuid.UUID
	err := s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT event_id FROM distribution.distribution_status WHERE id = $1 FOR UPDATE`, row.DistID).Scan(&eventID); err != nil {
			return fmt.Errorf("distribution: lock %d: %w", row.DistID, err)
		}
		tag, err := tx.Exec(ctx, `UPDATE distribution.channel_status SET status = $3::varchar, progress = 100, lease_until = NULL, completed_at = $4,
				post_url = coalesce(nullif($5::varchar, ''), post_url), post_id = coalesce(nullif($6::varchar, ''), post_id),
				estimated_views = CASE WHEN $3::varchar = 'SUCCESS' THEN $7::integer ELSE estimated_views END,
				error_message = nullif($8::text, ''), resume_state = CASE WHEN $3::varchar = 'SUCCESS' THEN NULL ELSE resume_state END,
				next_attempt_at = NULL, update_timestamp = $4, updated_at = $4
			WHERE id = $1 AND message_id = $2 AND status = 'IN_PROGRESS' AND attempts = $9`,
			row.ID, messageID, status, now, res.PostURL, res.PostID, res.EstimatedViews, reason, row.Attempts)
		if err != nil {
			return fmt.Errorf("distribution: settle channel: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		return s.settleOverall(ctx, tx, row.DistID, eventID, now)
	})
	if err == nil {
		s.forget(ctx, eventID)
	}
	return err
}

// settleOverall closes an IN_PROGRESS distribution whose channels have all
// settled. The caller holds the distribution's row lock.
func (s *Service) settleOverall(ctx context.Context, tx pgx.Tx, distID int64, eventID uuid.UUID, now time.Time) error {
	var overall string
	var ok, failed, total, settlements int
	if err := tx.QueryRow(ctx, `SELECT d.overall_status, d.settlements,
			count(*) FILTER (WHERE c.status = 'SUCCESS'), count(*) FILTER (WHERE c.status = 'FAILED'), count(*)
		FROM distribution.distribution_status d JOIN distribution.channel_status c ON c.distribution_status_id = d.id
		WHERE d.id = $1 GROUP BY d.id`, distID).Scan(&overall, &settlements, &ok, &failed, &total); err != nil {
		return fmt.Errorf("distribution: tally: %w", err)
	}
	if overall != OverallInProgress || ok+failed < total {
		return nil
	}
	switch {
	case failed == 0:
		overall = OverallCompleted
	case ok == 0:
		overall = OverallFailed
	default:
		overall = OverallPartial
	}
	settlements++
	if _, err := tx.Exec(ctx, `UPDATE distribution.distribution_status SET overall_status = $2, completed_at = $3, settlements = $4, updated_at = $3
		WHERE id = $1`, distID, overall, now, settlements); err != nil {
		return fmt.Errorf("distribution: settle: %w", err)
	}
	st, err := readStatus(ctx, tx, eventID)
	if err != nil {
		return err
	}
	msg := DistributionCompleted{Type: TypeDistributionCompleted, EventID: eventID, OverallStatus: overall, CompletedAt: now}
	for _, c := range st.Channels {
		msg.DistributedChannels = append(msg.DistributedChannels, CompletedChannel{Channel: c.Channel, ChannelType: ChannelType(c.Channel),
			Status: c.Status, ExpectedViews: c.EstimatedViews, PostURL: c.PostURL, DistributionID: c.DistributionID, Error: c.ErrorMessage})
	}
	m, err := queue.NewMessage(fmt.Sprintf("distribution-completed-%s-%d", eventID, settlements), queue.AnalyticsEvents, TypeDistributionCompleted, eventID.String(), msg)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "distribution settled", "eventId", eventID, "overallStatus", overall, "succeeded", ok, "failed", failed, "settlement", settlements)
	return s.outbox.Enqueue(ctx, tx, m)
}

// DistributionCompleted tells analytics how the fan-out ended.
type DistributionCompleted struct {
	Type                string             `json:"type"`
	EventID             uuid.UUID          `json:"eventId"`
	OverallStatus       string             `json:"overallStatus"`
	DistributedChannels []CompletedChannel `json:"distributedChannels"`
	CompletedAt         time.Time          `json:"completedAt"`
}

// CompletedChannel is one channel's end state in DistributionCompleted.
type CompletedChannel struct {
	Channel        string `json:"channel"`
	ChannelType    string `json:"channelType"`
	Status         string `json:"status"`
	ExpectedViews  int    `json:"expectedViews"`
	PostURL        string `json:"postUrl,omitempty"`
	DistributionID string `json:"distributionId"`
	Error          string `json:"error,omitempty"`
}
