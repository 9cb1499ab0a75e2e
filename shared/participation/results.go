package participation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
)

// Results is the public results page: the current winners, masked so that
// only a winner recognises their own line (name, phone and the tail of the
// entry number together).
type Results struct {
	EventID           uuid.UUID      `json:"eventId"`
	Drawn             bool           `json:"drawn"`
	DrawnAt           *time.Time     `json:"drawnAt"`
	Algorithm         *string        `json:"algorithm"`
	TotalParticipants int            `json:"totalParticipants"`
	WinnerCount       int            `json:"winnerCount"`
	Winners           []PublicWinner `json:"winners"`
}

// PublicWinner is one line of the results page.
type PublicWinner struct {
	Rank        int    `json:"rank"`
	Name        string `json:"name"`        // 김*수
	PhoneNumber string `json:"phoneNumber"` // 010-****-5678
	EntryTail   string `json:"entryTail"`   // the last 4 characters of the entry number
	// Substitute marks an alternate promoted to this rank after the drawn
	// winner was disqualified.
	Substitute bool `json:"substitute"`
	// SubstituteCategory is why the rank's previous holder was
	// disqualified (one of DisqualifyCategories), for a substitute only; the
	// owner's free text is never public.
	SubstituteCategory string `json:"substituteCategory,omitempty"`
}

// Results cache lifetimes. After the draw the page changes only when a
// winner is disqualified, which drops it; the TTL only bounds how long a
// read racing that change can keep the old page. Before the draw the entry
// count moves, so it lives as long as the CDN keeps it.
const (
	ResultsTTL        = time.Minute
	ResultsUndrawnTTL = 30 * time.Second
)

func (s *Service) resultsKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "participation:results:" + id.String()
}

// EntryTailLen is how much of the entry number the results page shows.
const EntryTailLen = 4

// EntryTail is the end of an entry number as the results page shows it.
func EntryTail(participantID string) string {
	r := []rune(participantID)
	return string(r[max(0, len(r)-EntryTailLen):])
}

// Results returns the public results of a published or ended event (404
// EVENT_001 for drafts and unknown events), from Redis when cached; the
// draw and disqualifications drop the cache.
func (s *Service) Results(ctx context.Context, eventID uuid.UUID) (Results, error) {
	snap, err := s.events.Snapshot(ctx, eventID)
	if err != nil {
		return Results{}, err
	}
	raw, err := s.rdb.Get(ctx, s.resultsKey(eventID)).Bytes()
	if err == nil {
		var r Results
		if json.Unmarshal(raw, &r) == nil {
			return r, nil
		}
	} else if !errors.Is(err, goredisNil) {
		s.log.WarnContext(ctx, "results cache unavailable", "error", err)
	}
	r, err := s.buildResults(ctx, eventID, snap)
	if err != nil {
		return Results{}, err
	}
	ttl := ResultsTTL
	if !r.Drawn {
		ttl = ResultsUndrawnTTL
	}
	b, _ := json.Marshal(r)
	if err := s.rdb.Set(ctx, s.resultsKey(eventID), b, ttl).Err(); err != nil {
		s.log.WarnContext(ctx, "results not cached", "error", err)
	}
	return r, nil
}

func (s *Service) buildResults(ctx context.Context, eventID uuid.UUID, snap event.Public) (Results, error) {
	r := Results{EventID: eventID, Winners: []PublicWinner{}}
	d, err := s.drawLog(ctx, s.db, eventID)
	if errors.Is(err, errNotDrawn) {
		counts, err := NewCounter(s.db, s.rdb, s.cfg.KeyPrefix).Counts(ctx, []uuid.UUID{eventID})
		if err != nil {
			return Results{}, err
		}
		r.TotalParticipants, r.WinnerCount = counts[eventID], snap.WinnerCount
		return r, nil
	}
	if err != nil {
		return Results{}, fmt.Errorf("participation: results: %w", err)
	}
	at := d.DrawnAt.UTC()
	r.Drawn, r.DrawnAt, r.Algorithm = true, &at, &d.Algorithm
	r.TotalParticipants, r.WinnerCount = int(d.TotalEntries), d.WinnerCount
	rows, err := s.db.Query(ctx, `SELECT p.participant_id, p.name, p.phone_number, p.winner_rank, p.alternate_rank IS NOT NULL, sub.category
		FROM participation.participants p
		LEFT JOIN LATERAL (SELECT category FROM participation.draw_substitutions s
			WHERE s.event_id = p.event_id AND s.replacement_id = p.participant_id ORDER BY s.id DESC LIMIT 1) sub ON p.alternate_rank IS NOT NULL
		WHERE p.event_id = $1 AND p.is_winner ORDER BY p.winner_rank`, eventID)
	if err != nil {
		return Results{}, fmt.Errorf("participation: results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var name, phone *string
		var w PublicWinner
		var category *string
		if err := rows.Scan(&pid, &name, &phone, &w.Rank, &w.Substitute, &category); err != nil {
			return Results{}, err
		}
		if category != nil {
			w.SubstituteCategory = *category
		}
		w.Name, w.PhoneNumber, w.EntryTail = MaskName(name), MaskPhone(phone), EntryTail(pid)
		r.Winners = append(r.Winners, w)
	}
	return r, rows.Err()
}

// refreshResults drops the cached results after the draw or a
// disqualification; if Redis refuses, they are stale for at most
// ResultsTTL, and the log says so.
func (s *Service) refreshResults(ctx context.Context, eventID uuid.UUID) {
	if err := s.rdb.Del(ctx, s.resultsKey(eventID)).Err(); err != nil {
		s.log.ErrorContext(ctx, "results cache not invalidated; it expires within its TTL", "eventId", eventID, "ttl", ResultsTTL, "error", err)
	}
}
