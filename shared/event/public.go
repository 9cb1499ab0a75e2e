package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
)

// Public is the anonymous page's snapshot of a published event. It holds no
// seed: only the commitment.
type Public struct {
	EventID        uuid.UUID `json:"eventId"`
	EventName      string    `json:"eventName"`
	Description    string    `json:"description"`
	Prize          string    `json:"prize"`
	StartDate      Date      `json:"startDate"`
	EndDate        Date      `json:"endDate"`
	Status         string    `json:"status"`
	ImageURL       string    `json:"imageUrl"`
	StoreName      string    `json:"storeName"`
	DrawCommitment string    `json:"drawCommitment"`
	TimeZone       string    `json:"timeZone"`
}

// Sources a visitor (and so a participant) may come from: the six channels,
// the in-store QR code, or directly.
var Sources = append(slices.Clone(Channels), "STORE_QR", "DIRECT")

// PublicTTL bounds a snapshot's life in Redis; changes delete it sooner.
const PublicTTL = 10 * time.Minute

func publicKey(id uuid.UUID) string { return "event:public:" + id.String() }

// SnapshotKey is where the public snapshot is cached, so a hot path can
// fetch it in the same Redis round trip as its own keys (DecodeSnapshot
// reads it; on a miss, call Snapshot).
func SnapshotKey(id uuid.UUID) string { return publicKey(id) }

// DecodeSnapshot reads a cached snapshot.
func DecodeSnapshot(raw []byte) (Public, error) {
	var p Public
	err := json.Unmarshal(raw, &p)
	return p, err
}

// ViewsKey holds an event's page views per source (a Redis hash) until
// StatsRollup folds them.
func ViewsKey(id uuid.UUID) string { return "views:" + id.String() }

// Snapshot returns the public snapshot of a published or ended event,
// served from Redis; the first request after a change reads Postgres.
func (s *Service) Snapshot(ctx context.Context, id uuid.UUID) (Public, error) {
	raw, err := s.rdb.Get(ctx, publicKey(id)).Bytes()
	if err == nil {
		var p Public
		if json.Unmarshal(raw, &p) == nil {
			return p, nil
		}
	} else if !errors.Is(err, goredis.Nil) {
		s.log.WarnContext(ctx, "public snapshot cache unavailable", "error", err)
	}
	e, err := loadEvent(ctx, s.db, id, false)
	if err != nil {
		return Public{}, err
	}
	if e.Status == StatusDraft {
		return Public{}, errNotFound // drafts do not exist for the public
	}
	store, err := s.stores.StoreByID(ctx, e.StoreID)
	if err != nil {
		return Public{}, fmt.Errorf("event: store of %s: %w", id, err)
	}
	p := Public{EventID: e.EventID, EventName: deref(e.EventName), Description: deref(e.Description), Prize: deref(e.Prize),
		StartDate: *e.StartDate, EndDate: *e.EndDate, Status: e.Status, ImageURL: deref(e.SelectedImageURL), StoreName: store.Name,
		DrawCommitment: deref(e.DrawCommitment), TimeZone: e.TimeZone}
	b, _ := json.Marshal(p)
	if err := s.rdb.Set(ctx, publicKey(id), b, PublicTTL).Err(); err != nil {
		s.log.WarnContext(ctx, "public snapshot not cached", "error", err)
	}
	return p, nil
}

// View returns the public snapshot and counts one page view for the source
// the visitor came from (unknown sources count as DIRECT), in Redis only.
func (s *Service) View(ctx context.Context, id uuid.UUID, source string) (Public, error) {
	p, err := s.Snapshot(ctx, id)
	if err != nil {
		return Public{}, err
	}
	if !slices.Contains(Sources, source) {
		source = "DIRECT"
	}
	if err := s.rdb.HIncrBy(ctx, ViewsKey(id), source, 1).Err(); err != nil {
		s.log.WarnContext(ctx, "view not counted", "eventId", id, "error", err)
	}
	return p, nil
}

// Views returns the page views counted so far per source (not yet folded).
func (s *Service) Views(ctx context.Context, id uuid.UUID) (map[string]int64, error) {
	m, err := s.rdb.HGetAll(ctx, ViewsKey(id)).Result()
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Unavailable, "", "view counts are unavailable")
	}
	out := make(map[string]int64, len(m))
	for k, v := range m {
		var n int64
		fmt.Sscan(v, &n)
		out[k] = n
	}
	return out, nil
}

// forgetPublic drops the cached snapshot after a change.
func (s *Service) forgetPublic(ctx context.Context, id uuid.UUID) {
	if err := s.rdb.Del(ctx, publicKey(id)).Err(); err != nil {
		s.log.ErrorContext(ctx, "public snapshot not invalidated; it expires within its TTL", "eventId", id, "error", err)
	}
}
