package event

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/redis"
)

// Public is the entry page's snapshot of a published event. It holds no
// seed: only the commitment. It changes only when the event does (publish,
// end, the draw), so it is cached here and by the CDN.
type Public struct {
	EventID        uuid.UUID  `json:"eventId"`
	EventName      string     `json:"eventName"`
	Description    string     `json:"description"`
	Prize          string     `json:"prize"`
	StartDate      Date       `json:"startDate"`
	EndDate        Date       `json:"endDate"`
	Status         string     `json:"status"`
	ImageURL       string     `json:"imageUrl"` // the selected poster, full size
	Poster         *WebPoster `json:"poster"`   // its web-sized copy; nil when it could not be made
	StoreName      string     `json:"storeName"`
	DrawCommitment string     `json:"drawCommitment"`
	TimeZone       string     `json:"timeZone"`
	// Eligibility (응모대상) is the selected plan's target audience.
	Eligibility string `json:"eligibility"`
	// AnnouncementDate (당첨자 발표) is the day after the end date.
	AnnouncementDate Date `json:"announcementDate"`
	// WinnerCount is the planned number until the draw, then the number drawn.
	WinnerCount int `json:"winnerCount"`
	// RetentionDays is how long after the end non-winners' data is kept
	// (PRIVACY_RETENTION_DAYS): the consent text quotes it.
	RetentionDays int        `json:"retentionDays"`
	DrawnAt       *time.Time `json:"drawnAt"`
	// VerifyPhone: an entry needs a phone verification token.
	VerifyPhone bool `json:"verifyPhone"`
}

// WebPoster is a poster sized for the entry page, with its pixel size so
// the page reserves the box before the image loads.
type WebPoster struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// DefaultEligibility is shown when the selected plan names no audience.
const DefaultEligibility = "누구나"

// Sources a visitor (and so a participant) may come from: the six channels,
// the in-store QR code, or directly.
var Sources = append(slices.Clone(Channels), "STORE_QR", "DIRECT")

// PublicTTL bounds a snapshot's life in Redis; changes delete it sooner.
const PublicTTL = 10 * time.Minute

// The snapshot and its generation share a hash tag, so the conditional
// write below is one script on one slot.
func (s *Service) publicKey(id uuid.UUID) string { return SnapshotKey(s.cfg.KeyPrefix, id) }
func (s *Service) publicGenKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "event:public:gen:" + redis.Tag(id.String())
}

// publicGenTTL outlives any rebuild in flight, so a rebuild that began
// before a change always sees the generation move.
const publicGenTTL = time.Hour

// setIfGeneration caches a rebuilt snapshot only when no change happened
// since the rebuild began (the generation is the one it read first), so a
// slow rebuild can never put back the page a change just dropped.
var setIfGeneration = goredis.NewScript(`
local g = redis.call('GET', KEYS[2]) or ''
if g ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`)

// SnapshotKey is where the public snapshot is cached, so a hot path can
// fetch it in the same Redis round trip as its own keys (DecodeSnapshot
// reads it; on a miss, call Snapshot). prefix is Config.KeyPrefix.
func SnapshotKey(prefix string, id uuid.UUID) string {
	return prefix + "event:public:" + redis.Tag(id.String())
}

// DecodeSnapshot reads a cached snapshot.
func DecodeSnapshot(raw []byte) (Public, error) {
	var p Public
	err := json.Unmarshal(raw, &p)
	return p, err
}

// ViewsKey holds an event's page views per source (a Redis hash) until
// StatsRollup folds them. The id is a hash tag: the rollup's script renames
// the hash to a folding key beside it (views:{id}:folding), which a sharded
// Redis allows only within one slot. prefix is Config.KeyPrefix.
func ViewsKey(prefix string, id uuid.UUID) string { return prefix + "views:" + redis.Tag(id.String()) }

// Snapshot returns the public snapshot of a published or ended event,
// served from Redis; the first request after a change reads Postgres. It
// counts nothing: reading the page has no side effect, so the CDN may
// answer for us. An unknown id (or a draft) writes nothing to Redis and is
// remembered in process for MissingTTL, so repeating it costs nothing.
func (s *Service) Snapshot(ctx context.Context, id uuid.UUID) (Public, error) {
	if s.Unknown(id) {
		return Public{}, errNotFound
	}
	raw, err := s.rdb.Get(ctx, s.publicKey(id)).Bytes()
	if err == nil {
		var p Public
		if json.Unmarshal(raw, &p) == nil {
			return p, nil
		}
	} else if !errors.Is(err, goredis.Nil) {
		s.log.WarnContext(ctx, "public snapshot cache unavailable", "error", err)
	}
	gen, err := s.rdb.Get(ctx, s.publicGenKey(id)).Result()
	if err != nil && !errors.Is(err, goredis.Nil) {
		s.log.WarnContext(ctx, "public snapshot generation unavailable", "error", err)
	}
	p, err := s.buildPublic(ctx, id)
	if err != nil {
		if errors.Is(err, errNotFound) {
			s.missing.Add(id, s.now())
		}
		return Public{}, err
	}
	b, _ := json.Marshal(p)
	keys := []string{s.publicKey(id), s.publicGenKey(id)}
	if err := setIfGeneration.Run(ctx, s.rdb, keys, gen, b, PublicTTL.Milliseconds()).Err(); err != nil {
		s.log.WarnContext(ctx, "public snapshot not cached", "error", err)
	}
	return p, nil
}

// buildPublic reads the snapshot from its sources: the event, its store,
// its plan and the participation domain's draw.
func (s *Service) buildPublic(ctx context.Context, id uuid.UUID) (Public, error) {
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
	eligibility := ""
	if e.SelectedRecommendationID != nil {
		err := s.db.QueryRow(ctx, `SELECT target_audience FROM events.ai_recommendations WHERE event_id = $1 AND recommendation_id = $2`,
			id, *e.SelectedRecommendationID).Scan(&eligibility)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return Public{}, fmt.Errorf("event: plan of %s: %w", id, err)
		}
	}
	if eligibility = strings.TrimSpace(eligibility); eligibility == "" {
		eligibility = DefaultEligibility
	}
	draw, err := s.parts.DrawState(ctx, id)
	if err != nil {
		return Public{}, fmt.Errorf("event: draw of %s: %w", id, err)
	}
	winners := e.WinnerCount
	if draw.DrawnAt != nil && draw.WinnerCount > 0 {
		winners = draw.WinnerCount
	}
	return Public{EventID: e.EventID, EventName: deref(e.EventName), Description: deref(e.Description), Prize: deref(e.Prize),
		StartDate: *e.StartDate, EndDate: *e.EndDate, Status: e.Status, ImageURL: deref(e.SelectedImageURL), Poster: e.WebPoster,
		StoreName: store.Name, DrawCommitment: deref(e.DrawCommitment), TimeZone: e.TimeZone, Eligibility: eligibility,
		AnnouncementDate: Date{e.EndDate.AddDate(0, 0, 1)}, WinnerCount: winners, RetentionDays: s.cfg.RetentionDays,
		DrawnAt: draw.DrawnAt, VerifyPhone: e.VerifyPhone}, nil
}

// Unknown reports that id was found to have no public page within the last
// MissingTTL (in this process): callers answer 404 without touching Redis.
func (s *Service) Unknown(id uuid.UUID) bool { return s.missing.Has(id, s.now()) }

// RecordView counts one page view of a published or ended event for the
// source the visitor came from (unknown sources count as DIRECT), in the
// Redis hash StatsRollup folds. Each client address may count
// ViewRatePerClient views of an event per minute; the address is kept only
// as a hash, in a limiter key that expires within a minute.
func (s *Service) RecordView(ctx context.Context, id uuid.UUID, source, client string) error {
	if _, err := s.Snapshot(ctx, id); err != nil {
		return err
	}
	if client != "" && s.cfg.ViewRatePerClient > 0 {
		sum := sha256.Sum256([]byte(client))
		wait, err := s.limiter.Allow(ctx, "views:"+id.String()+":"+hex.EncodeToString(sum[:12]), s.cfg.ViewRatePerClient)
		switch {
		case err != nil:
			s.log.WarnContext(ctx, "view rate limit unavailable", "error", err)
		case wait > 0:
			secs := int(wait.Seconds()) + 1
			return apperr.New(apperr.TooMany, CodeTooManyViews, fmt.Sprintf("too many page views from this address; try again in %d seconds", secs)).
				RetryAfter(secs)
		}
	}
	if !slices.Contains(Sources, source) {
		source = "DIRECT"
	}
	if err := s.rdb.HIncrBy(ctx, ViewsKey(s.cfg.KeyPrefix, id), source, 1).Err(); err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "", "the view could not be counted")
	}
	return nil
}

// Views returns the page views counted so far per source (not yet folded).
func (s *Service) Views(ctx context.Context, id uuid.UUID) (map[string]int64, error) {
	m, err := s.rdb.HGetAll(ctx, ViewsKey(s.cfg.KeyPrefix, id)).Result()
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

// RefreshPublic drops the cached snapshot after a change, here or in the
// participation domain (the draw), so the next read rebuilds it. If Redis
// refuses, the snapshot is stale for at most PublicTTL, and the log says so.
func (s *Service) RefreshPublic(ctx context.Context, id uuid.UUID) {
	s.missing.Forget(id) // published a moment ago
	pipe := s.rdb.TxPipeline()
	pipe.Incr(ctx, s.publicGenKey(id))
	pipe.Expire(ctx, s.publicGenKey(id), publicGenTTL)
	pipe.Del(ctx, s.publicKey(id))
	if _, err := pipe.Exec(ctx); err != nil {
		s.log.ErrorContext(ctx, "public snapshot not invalidated; it expires within its TTL", "eventId", id, "ttl", PublicTTL, "error", err)
	}
}
