package event

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/user"
)

// Info is what other domains (participation, distribution, analytics) may
// read of an event they act on for its owner.
type Info struct {
	EventID     uuid.UUID
	UserID      uuid.UUID
	StoreID     uuid.UUID
	Status      string
	EventName   string
	WinnerCount int
	Budget      int64
	Channels    []string
	TimeZone    string
	StartDate   *Date
	EndDate     *Date
	PublishedAt *time.Time
	EndedAt     *time.Time
}

func infoOf(e *Event) Info {
	return Info{EventID: e.EventID, UserID: e.UserID, StoreID: e.StoreID, Status: e.Status, EventName: deref(e.EventName),
		WinnerCount: e.WinnerCount, Budget: deref64(e.Budget), Channels: e.Channels, TimeZone: e.TimeZone, StartDate: e.StartDate,
		EndDate: e.EndDate, PublishedAt: e.PublishedAt, EndedAt: e.EndedAt}
}

// Owned returns the event if the caller may act on it: EVENT_001 when it
// does not exist, EVENT_003 when it is another owner's.
func (s *Service) Owned(ctx context.Context, c user.Caller, id uuid.UUID) (Info, error) {
	e, err := loadOwned(ctx, s.db, c, id, false)
	if err != nil {
		return Info{}, err
	}
	return infoOf(e), nil
}

// Lookup returns an event by id, for background work that has no caller.
func (s *Service) Lookup(ctx context.Context, id uuid.UUID) (Info, error) {
	e, err := loadEvent(ctx, s.db, id, false)
	if err != nil {
		return Info{}, err
	}
	return infoOf(e), nil
}

// RevealSeed hands the draw its seed: only the owner, and only once the
// event is live or over (the seed was committed to at publish).
func (s *Service) RevealSeed(ctx context.Context, c user.Caller, id uuid.UUID) ([]byte, string, error) {
	if _, err := loadOwned(ctx, s.db, c, id, false); err != nil {
		return nil, "", err
	}
	var seed []byte
	var commitment *string
	var status string
	if err := s.db.QueryRow(ctx, `SELECT status, draw_seed, draw_commitment FROM events.events WHERE event_id = $1`, id).Scan(&status, &seed, &commitment); err != nil {
		return nil, "", fmt.Errorf("event: seed: %w", err)
	}
	if status == StatusDraft || seed == nil || commitment == nil {
		return nil, "", apperr.New(apperr.Conflict, CodeWrongState, "winners can be drawn only once the event is published").With("status", status)
	}
	return seed, *commitment, nil
}

// EndedBefore lists events that ended before t (for privacy purges).
func (s *Service) EndedBefore(ctx context.Context, t time.Time) ([]uuid.UUID, error) {
	rows, err := s.db.Query(ctx, `SELECT event_id FROM events.events WHERE status = 'ENDED' AND ended_at < $1`, t)
	if err != nil {
		return nil, fmt.Errorf("event: ended: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
