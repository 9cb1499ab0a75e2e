package participation

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
)

// TypeParticipantRegistered is the analytics message of a new entry.
const TypeParticipantRegistered = "ParticipantRegistered"

// ParticipantRegistered tells analytics about an entry; it carries no
// personal data.
type ParticipantRegistered struct {
	Type           string    `json:"type"`
	EventID        uuid.UUID `json:"eventId"`
	ParticipantID  string    `json:"participantId"`
	StoreVisited   bool      `json:"storeVisited"`
	AgreeMarketing bool      `json:"agreeMarketing"`
	BonusEntries   int       `json:"bonusEntries"`
	Channel        string    `json:"channel"`
	Source         string    `json:"source"`
	OccurredAt     time.Time `json:"occurredAt"`
}

// Redis keys of the hot path (seed participation ERD).
func sessionKey(id uuid.UUID, phone string) string {
	return "participation:session:" + id.String() + ":" + phone
}
func seqKey(id uuid.UUID) string    { return "participation:seq:" + id.String() }
func closedKey(id uuid.UUID) string { return "participation:closed:" + id.String() }

// DedupTTL keeps the fast duplicate check warm for a week; Postgres's
// unique key is the truth either way.
const DedupTTL = 7 * 24 * time.Hour

// eventLock is the advisory-lock key of an event: submits take it shared
// (they never wait on each other), the draw takes it exclusively, so the
// entry list the draw freezes is exactly what committed before it.
func eventLock(id uuid.UUID) int64 {
	return int64(binary.BigEndian.Uint64(id[:8]) ^ 0x5041525449434950) // "PARTICIP"
}

var (
	errDuplicate = apperr.New(apperr.Conflict, CodeDuplicate, "this phone number has already entered the event")
	errClosed    = apperr.New(apperr.Invalid, CodeClosed, "the event has ended or its winners were drawn: entries are closed")
)

// Submit records one entry. The event must be live and today within its
// dates (checked on the cached public snapshot, not Postgres); one entry
// per phone, enforced by Postgres's unique key with a Redis fast path in
// front; the row and its analytics message commit together.
func (s *Service) Submit(ctx context.Context, eventID uuid.UUID, sub Submission) (Receipt, error) {
	if err := sub.validate(); err != nil {
		return Receipt{}, err
	}
	// The snapshot, the fast paths and the entry number in one Redis round
	// trip; a Redis failure only costs speed (Postgres decides, a sequence
	// numbers).
	pipe := s.rdb.Pipeline()
	cached := pipe.Get(ctx, event.SnapshotKey(eventID))
	closed := pipe.Exists(ctx, closedKey(eventID))
	seen := pipe.Exists(ctx, sessionKey(eventID, sub.PhoneNumber))
	seq := pipe.Incr(ctx, seqKey(eventID))
	_, perr := pipe.Exec(ctx)
	snap, err := event.DecodeSnapshot([]byte(cached.Val()))
	if cached.Err() != nil || err != nil {
		if snap, err = s.events.Snapshot(ctx, eventID); err != nil {
			return Receipt{}, err
		}
	}
	now := s.now()
	today := event.Today(now, s.zones.Get(snap.TimeZone))
	switch {
	case snap.Status == event.StatusEnded:
		return Receipt{}, errClosed
	case today.Before(snap.StartDate.Time):
		return Receipt{}, apperr.New(apperr.Invalid, CodeOutOfPeriod, "the event starts on "+snap.StartDate.String())
	case today.After(snap.EndDate.Time):
		return Receipt{}, apperr.New(apperr.Invalid, CodeOutOfPeriod, "the event ended on "+snap.EndDate.String())
	}
	if err := s.checkPhoneToken(ctx, snap, sub); err != nil {
		return Receipt{}, err
	}
	if err := s.limit(ctx, "client:"+sub.ClientIP, s.cfg.RatePerClient); err != nil {
		return Receipt{}, err
	}
	if err := s.limit(ctx, "phone:"+sub.PhoneNumber, s.cfg.RatePerPhone); err != nil {
		return Receipt{}, err
	}
	var next int64
	if perr == nil || errors.Is(perr, goredisNil) {
		if closed.Val() > 0 {
			return Receipt{}, errClosed
		}
		if seen.Val() > 0 {
			return Receipt{}, errDuplicate
		}
		next = seq.Val()
	}
	bonus := BonusEntries(sub.StoreVisited)
	for attempt := 0; ; attempt++ {
		pid := s.entryNumber(ctx, eventID, today, next, attempt > 0)
		msgID, err := s.insertEntry(ctx, eventID, pid, sub, bonus, now)
		switch {
		case err == nil:
			s.outbox.Notify(msgID)
			s.afterEntry(ctx, eventID, sub.PhoneNumber)
			s.consumePhoneToken(ctx, snap, sub)
			return Receipt{ParticipantID: pid, EventID: eventID, BonusEntries: bonus, ParticipatedAt: now}, nil
		case postgres.ConstraintName(err) == "uk_event_phone":
			s.rdb.Set(ctx, sessionKey(eventID, sub.PhoneNumber), "1", DedupTTL)
			return Receipt{}, errDuplicate
		case postgres.ConstraintName(err) == "uk_participant_id" && attempt < 3:
			s.log.WarnContext(ctx, "entry number taken (the Redis counter was reset?); resynchronising", "eventId", eventID, "participantId", pid)
			s.resyncCounter(ctx, eventID)
		default:
			return Receipt{}, err
		}
	}
}

// insertEntry writes the entry and its ParticipantRegistered message in one
// implicit transaction and one round trip: the shared event lock (its own
// statement, so the next one sees a draw that committed while we waited),
// then the entry and the outbox row in one statement that inserts nothing
// once the event is drawn.
func (s *Service) insertEntry(ctx context.Context, eventID uuid.UUID, pid string, sub Submission, bonus int, now time.Time) (string, error) {
	m, err := queue.NewMessage("participant-"+eventID.String()+"-"+pid, queue.AnalyticsEvents, TypeParticipantRegistered, eventID.String(),
		ParticipantRegistered{Type: TypeParticipantRegistered, EventID: eventID, ParticipantID: pid, StoreVisited: sub.StoreVisited, AgreeMarketing: sub.AgreeMarketing,
			BonusEntries: bonus, Channel: sub.Channel, Source: sub.Source, OccurredAt: now})
	if err != nil {
		return "", err
	}
	margs, err := queue.EnqueueArgs(m)
	if err != nil {
		return "", err
	}
	var email *string
	if sub.Email != "" {
		email = &sub.Email
	}
	// The event id as [16]byte: pgx encodes it directly, where uuid.UUID
	// goes through driver.Valuer and a failed binary plan first.
	args := append([]any{pid, [16]byte(eventID), sub.Name, sub.PhoneNumber, email, sub.Channel, sub.Source, sub.StoreVisited, bonus,
		sub.AgreeMarketing, sub.AgreePrivacy, now}, margs...)
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock_shared($1)`, eventLock(eventID))
	b.Queue(`WITH entry AS (
		INSERT INTO participation.participants (participant_id, event_id, name, phone_number, email, channel, source,
			store_visited, bonus_entries, agree_marketing, agree_privacy, created_at, updated_at)
		SELECT $1::varchar, $2::uuid, $3::varchar, $4::varchar, $5::varchar, $6::varchar, $7::varchar, $8::boolean, $9::integer,
			$10::boolean, $11::boolean, $12::timestamptz, $12::timestamptz
		WHERE NOT EXISTS (SELECT 1 FROM participation.draw_logs WHERE event_id = $2::uuid)
		RETURNING 1)
		`+queue.EnqueueSQL(13)+` FROM entry`, args...)
	br := s.db.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return "", fmt.Errorf("participation: lock: %w", err)
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	if tag.RowsAffected() == 0 {
		return "", errClosed // drawn: entries are closed
	}
	return m.ID, nil
}

// afterEntry warms the duplicate check and bumps the cached count (only
// when it is cached: a missing count is recomputed from Postgres).
func (s *Service) afterEntry(ctx context.Context, eventID uuid.UUID, phone string) {
	pipe := s.rdb.Pipeline()
	pipe.Set(ctx, sessionKey(eventID, phone), "1", DedupTTL)
	incrIfCached.Run(ctx, pipe, []string{CountKey(eventID)})
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredisNil) {
		s.log.WarnContext(ctx, "entry caches not updated", "error", err)
	}
}

// entryNumber returns a short entry number unique within the event,
// "20261122-000042": a per-event Redis counter, so submits never queue on a
// row lock. Without Redis, a Postgres sequence stands in ("20261122-P000043").
// next is the counter value already taken (0: none, Redis was down).
func (s *Service) entryNumber(ctx context.Context, eventID uuid.UUID, today event.Date, next int64, retry bool) string {
	day := today.Format("20060102")
	if retry && next > 0 {
		next, _ = s.rdb.Incr(ctx, seqKey(eventID)).Result()
	}
	if next > 0 {
		return fmt.Sprintf("%s-%06d", day, next)
	}
	var n int64
	if err := s.db.QueryRow(ctx, `SELECT nextval('participation.entry_fallback_seq')`).Scan(&n); err != nil {
		return fmt.Sprintf("%s-U%s", day, strings.ReplaceAll(uuid.NewString(), "-", "")[:12])
	}
	return fmt.Sprintf("%s-P%06d", day, n)
}

// resyncCounter moves the Redis counter past every number already used.
func (s *Service) resyncCounter(ctx context.Context, eventID uuid.UUID) {
	var max int64
	_ = s.db.QueryRow(ctx, `SELECT coalesce(max(split_part(participant_id, '-', 2)::bigint), 0) FROM participation.participants
		WHERE event_id = $1 AND participant_id ~ '^[0-9]{8}-[0-9]+$'`, eventID).Scan(&max)
	raiseTo.Run(ctx, s.rdb, []string{seqKey(eventID)}, max)
}

// limit applies a per-minute GCRA limit (redis.Limiter); 0 turns it off.
// Without Redis the limit is skipped rather than the entry refused.
func (s *Service) limit(ctx context.Context, key string, perMinute int) error {
	if perMinute <= 0 || strings.HasSuffix(key, ":") {
		return nil
	}
	wait, err := s.limiter.Allow(ctx, "participation:"+key, perMinute)
	if err != nil {
		s.log.WarnContext(ctx, "rate limit unavailable", "error", err)
		return nil
	}
	if wait > 0 {
		secs := int(wait.Seconds()) + 1
		return apperr.New(apperr.TooMany, CodeTooFast, fmt.Sprintf("too many entries; try again in %d seconds", secs)).
			With("retryAfterSeconds", secs)
	}
	return nil
}
