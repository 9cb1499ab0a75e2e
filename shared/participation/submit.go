package participation

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
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
	Type          string    `json:"type"`
	EventID       uuid.UUID `json:"eventId"`
	ParticipantID string    `json:"participantId"`
	StoreVisited  bool      `json:"storeVisited"`
	BonusEntries  int       `json:"bonusEntries"`
	Channel       string    `json:"channel"`
	Source        string    `json:"source"`
	OccurredAt    time.Time `json:"occurredAt"`
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
	snap, err := s.events.Snapshot(ctx, eventID)
	if err != nil {
		return Receipt{}, err
	}
	now := s.now()
	today := todayIn(now, snap.TimeZone)
	switch {
	case snap.Status == event.StatusEnded:
		return Receipt{}, errClosed
	case today.Before(snap.StartDate.Time):
		return Receipt{}, apperr.New(apperr.Invalid, CodeOutOfPeriod, "the event starts on "+snap.StartDate.String())
	case today.After(snap.EndDate.Time):
		return Receipt{}, apperr.New(apperr.Invalid, CodeOutOfPeriod, "the event ended on "+snap.EndDate.String())
	}
	if err := s.limit(ctx, "client:"+sub.ClientIP, s.cfg.RatePerClient); err != nil {
		return Receipt{}, err
	}
	if err := s.limit(ctx, "phone:"+sub.PhoneNumber, s.cfg.RatePerPhone); err != nil {
		return Receipt{}, err
	}
	// Fast paths; a Redis failure only costs speed.
	pipe := s.rdb.Pipeline()
	closed := pipe.Exists(ctx, closedKey(eventID))
	seen := pipe.Exists(ctx, sessionKey(eventID, sub.PhoneNumber))
	if _, err := pipe.Exec(ctx); err == nil {
		if closed.Val() > 0 {
			return Receipt{}, errClosed
		}
		if seen.Val() > 0 {
			return Receipt{}, errDuplicate
		}
	}
	bonus := BonusEntries(sub.StoreVisited)
	for attempt := 0; ; attempt++ {
		pid := s.entryNumber(ctx, eventID, today, attempt > 0)
		err := s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, eventLock(eventID)); err != nil {
				return err
			}
			var drawn bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participation.draw_logs WHERE event_id = $1)`, eventID).Scan(&drawn); err != nil {
				return err
			}
			if drawn {
				return errClosed
			}
			email := &sub.Email
			if sub.Email == "" {
				email = nil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, email, channel, source,
				store_visited, bonus_entries, agree_marketing, agree_privacy, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
				pid, eventID, sub.Name, sub.PhoneNumber, email, sub.Channel, sub.Source, sub.StoreVisited, bonus, sub.AgreeMarketing, sub.AgreePrivacy, now); err != nil {
				return err
			}
			m, err := queue.NewMessage("participant-"+eventID.String()+"-"+pid, queue.AnalyticsEvents, TypeParticipantRegistered, eventID.String(),
				ParticipantRegistered{Type: TypeParticipantRegistered, EventID: eventID, ParticipantID: pid, StoreVisited: sub.StoreVisited,
					BonusEntries: bonus, Channel: sub.Channel, Source: sub.Source, OccurredAt: now})
			if err != nil {
				return err
			}
			return s.outbox.Enqueue(ctx, tx, m)
		})
		switch {
		case err == nil:
			s.afterEntry(ctx, eventID, sub.PhoneNumber)
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
func (s *Service) entryNumber(ctx context.Context, eventID uuid.UUID, today event.Date, fallbackOnly bool) string {
	day := today.Format("20060102")
	if !fallbackOnly {
		if n, err := s.rdb.Incr(ctx, seqKey(eventID)).Result(); err == nil {
			return fmt.Sprintf("%s-%06d", day, n)
		}
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

// limit applies a per-minute GCRA limit (redis_rate); 0 turns it off.
// Without Redis the limit is skipped rather than the entry refused.
func (s *Service) limit(ctx context.Context, key string, perMinute int) error {
	if perMinute <= 0 || strings.HasSuffix(key, ":") {
		return nil
	}
	res, err := s.limiter.Allow(ctx, "participation:"+key, redis_rate.PerMinute(perMinute))
	if err != nil {
		s.log.WarnContext(ctx, "rate limit unavailable", "error", err)
		return nil
	}
	if res.Allowed == 0 {
		return apperr.New(apperr.TooMany, CodeTooFast, fmt.Sprintf("too many entries; try again in %d seconds", int(res.RetryAfter.Seconds())+1)).
			With("retryAfterSeconds", int(res.RetryAfter.Seconds())+1)
	}
	return nil
}

// todayIn is the calendar date at now in the event's time zone.
func todayIn(now time.Time, tz string) event.Date {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	return event.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}
