package event

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/user"
)

// StoreReader is the users domain's API this domain reads stores through.
type StoreReader interface {
	StoreByID(ctx context.Context, storeID uuid.UUID) (user.Store, error)
}

// ParticipationReader is the participation domain's API this domain reads:
// entry counts for the owner's list, and the draw's outcome for the public
// page (the draw log is the one record of it; this domain keeps no copy).
type ParticipationReader interface {
	Counts(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]int, error)
	DrawState(ctx context.Context, id uuid.UUID) (DrawState, error)
}

// DrawState is what the participation domain tells of an event's draw.
type DrawState struct {
	DrawnAt     *time.Time // nil until winners are drawn
	WinnerCount int        // winners drawn; 0 before the draw
}

// WebPosters makes the entry page's poster from the selected one: the
// content domain decodes, scales and encodes images; this domain only
// records the result.
type WebPosters interface {
	WebPoster(ctx context.Context, eventID uuid.UUID, imageURL string) (WebPoster, error)
}

// Config tunes the service.
type Config struct {
	TimeZone     *time.Location // new events' time zone (Asia/Seoul)
	JobTimeout   time.Duration  // a job not done by then is failed by the sweeper
	PublicWebURL string         // the web app, for the entry links in channel posts
	// RetentionDays is PRIVACY_RETENTION_DAYS: the entry page's consent
	// text must state how long entrants' data is kept after the end.
	RetentionDays int
	// ViewRatePerClient bounds the page-view beacon per client address and
	// event, per minute (0 = off), so a script cannot inflate the figures.
	ViewRatePerClient int
	// WebPosters makes the entry page's poster at publish; nil publishes
	// with poster null (the page shows the full-size poster).
	WebPosters WebPosters
	// WebPosterTimeout bounds making that poster inside the publish request.
	WebPosterTimeout time.Duration
	// PlanJobsPerDay and PosterJobsPerDay cap the AI plan jobs and the
	// poster jobs (generation and edits) an owner may start per day in
	// TimeZone (0 = off): AI_002 beyond.
	PlanJobsPerDay   int
	PosterJobsPerDay int
	// KeyPrefix goes in front of every Redis key of the domain ("" in
	// production; tests isolate with one). The domains of one process share
	// it: participation reads the snapshot (SnapshotKey) and analytics folds
	// the page views (ViewsKey) under their own KeyPrefix. No braces: a
	// key's hash tag must stay the event id.
	KeyPrefix string
}

// Service is the events domain.
type Service struct {
	db      *postgres.DB
	rdb     goredis.UniversalClient
	outbox  *queue.Outbox
	log     *slog.Logger
	now     func() time.Time
	stores  StoreReader
	parts   ParticipationReader
	limiter *redis.Limiter
	cfg     Config
	zones   Zones
	secrets visitSecrets // visit code secrets (visit.go)
	missing *RecentIDs   // ids with no public page, briefly (missing.go)

	// afterPublishUpdate runs inside the publish transaction right after the
	// status change; tests inject a failure there.
	afterPublishUpdate func() error
}

// NewService wires the events domain.
func NewService(db *postgres.DB, rdb goredis.UniversalClient, outbox *queue.Outbox, log *slog.Logger, stores StoreReader, parts ParticipationReader, cfg Config, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 10 * time.Minute
	}
	if cfg.RetentionDays <= 0 {
		cfg.RetentionDays = 30
	}
	if cfg.WebPosterTimeout <= 0 {
		cfg.WebPosterTimeout = 10 * time.Second
	}
	return &Service{db: db, rdb: rdb, outbox: outbox, log: log, now: now, stores: stores, parts: parts, limiter: redis.NewLimiter(rdb, cfg.KeyPrefix), cfg: cfg,
		missing: &RecentIDs{TTL: MissingTTL, Max: 10_000}}
}

func wrongState(e *Event, action string) error {
	return apperr.New(apperr.Conflict, CodeWrongState, fmt.Sprintf("cannot %s an event that is %s", action, e.Status)).With("status", e.Status)
}

// Create starts a draft for the caller's store with an objective.
func (s *Service) Create(ctx context.Context, c user.Caller, objective string) (*Event, error) {
	if !slices.Contains(Objectives, objective) {
		var v apperr.Validation
		v.Addf("objective", "must be one of %s", strings.Join(Objectives, ", "))
		return nil, v.Err()
	}
	now := s.now()
	var e *Event
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		e, err = scanEvent(tx.QueryRow(ctx, `INSERT INTO events.events (user_id, store_id, objective, time_zone, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING `+eventColumns, c.UserID, c.StoreID, objective, s.cfg.TimeZone.String(), now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("event: create: %w", err)
	}
	s.log.InfoContext(ctx, "event drafted", "eventId", e.EventID, "objective", objective)
	return e, nil
}

// Get returns the event with its plans and posters.
func (s *Service) Get(ctx context.Context, c user.Caller, id uuid.UUID) (*Event, error) {
	e, err := loadOwned(ctx, s.db, c, id, false)
	if err != nil {
		return nil, err
	}
	if err := loadDetails(ctx, s.db, e); err != nil {
		return nil, fmt.Errorf("event: details: %w", err)
	}
	return e, nil
}

// List returns a page of the caller's events with their participant counts.
func (s *Service) List(ctx context.Context, c user.Caller, f Filter) ([]Summary, int, error) {
	var v apperr.Validation
	v.Check(f.Status == "" || slices.Contains([]string{StatusDraft, StatusPublished, StatusEnded}, f.Status), "status", "must be DRAFT, PUBLISHED or ENDED")
	v.Check(f.Objective == "" || slices.Contains(Objectives, f.Objective), "objective", "must be one of %s", strings.Join(Objectives, ", "))
	v.Check(runes(f.Search) <= 200, "search", "must be at most 200 characters")
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	items, total, err := listEvents(ctx, s.db, c.UserID, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]uuid.UUID, len(items))
	for i := range items {
		ids[i] = items[i].EventID
	}
	counts, err := s.parts.Counts(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range items {
		items[i].ParticipantCount = counts[items[i].EventID]
	}
	return items, total, nil
}

// editDraft runs fn on a locked draft the caller owns and returns the event
// as it stands afterwards.
func (s *Service) editDraft(ctx context.Context, c user.Caller, id uuid.UUID, action string, fn func(tx pgx.Tx, e *Event) error) (*Event, error) {
	var out *Event
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		e, err := loadOwned(ctx, tx, c, id, true)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return wrongState(e, action)
		}
		if err := fn(tx, e); err != nil {
			return err
		}
		out, err = loadFull(ctx, tx, id)
		return err
	})
	return out, err
}

// Update edits a draft's details.
func (s *Service) Update(ctx context.Context, c user.Caller, id uuid.UUID, u Update) (*Event, error) {
	return s.editDraft(ctx, c, id, "edit", func(tx pgx.Tx, e *Event) error {
		var v apperr.Validation
		start, end := u.validate(&v, e)
		if err := v.Err(); err != nil {
			return err
		}
		if u.EventName != nil {
			name := strings.TrimSpace(*u.EventName)
			u.EventName = &name
		}
		_, err := tx.Exec(ctx, `UPDATE events.events SET event_name = coalesce($2, event_name), description = coalesce($3, description),
			prize = coalesce($4, prize), start_date = $5, end_date = $6, winner_count = coalesce($7, winner_count),
			budget = coalesce($8, budget), verify_phone = coalesce($10, verify_phone), updated_at = $9 WHERE event_id = $1`,
			id, u.EventName, u.Description, u.Prize, dateArg(start), dateArg(end), u.WinnerCount, u.Budget, s.now(), u.VerifyPhone)
		return err
	})
}

func dateArg(d *Date) any {
	if d == nil {
		return nil
	}
	return d.Time
}

// Delete removes a draft with its plans and posters (its jobs stay, as the
// ERD wants job history kept).
func (s *Service) Delete(ctx context.Context, c user.Caller, id uuid.UUID) error {
	return s.db.InTx(ctx, func(tx pgx.Tx) error {
		e, err := loadOwned(ctx, tx, c, id, true)
		if err != nil {
			return err
		}
		if e.Status != StatusDraft {
			return wrongState(e, "delete")
		}
		_, err = tx.Exec(ctx, `DELETE FROM events.events WHERE event_id = $1`, id)
		return err
	})
}

// SelectRecommendation picks one of the event's plans and copies it into the
// event, with the owner's overrides.
func (s *Service) SelectRecommendation(ctx context.Context, c user.Caller, id uuid.UUID, sel Selection) (*Event, error) {
	return s.editDraft(ctx, c, id, "edit", func(tx pgx.Tx, e *Event) error {
		var rec Recommendation
		err := tx.QueryRow(ctx, `SELECT recommendation_id, event_name, description, coalesce(prize, ''), coalesce(estimated_cost, 0)
			FROM events.ai_recommendations WHERE event_id = $1 AND recommendation_id = $2`, id, sel.RecommendationID).
			Scan(&rec.RecommendationID, &rec.EventName, &rec.Description, &rec.Prize, &rec.EstimatedCost)
		if err == pgx.ErrNoRows {
			return apperr.New(apperr.NotFound, CodeItemNotFound, "this event has no such recommendation")
		}
		if err != nil {
			return err
		}
		u := Update{EventName: &rec.EventName, Description: &rec.Description, Prize: &rec.Prize, StartDate: sel.StartDate, EndDate: sel.EndDate, Budget: &rec.EstimatedCost}
		if sel.EventName != nil {
			u.EventName = sel.EventName
		}
		if sel.Description != nil {
			u.Description = sel.Description
		}
		if sel.Prize != nil {
			u.Prize = sel.Prize
		}
		var v apperr.Validation
		start, end := u.validate(&v, e)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE events.ai_recommendations SET is_selected = (recommendation_id = $2), updated_at = $3 WHERE event_id = $1`,
			id, sel.RecommendationID, s.now()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE events.events SET selected_recommendation_id = $2, event_name = $3, description = $4, prize = $5,
			start_date = $6, end_date = $7, budget = $8, updated_at = $9 WHERE event_id = $1`,
			id, sel.RecommendationID, strings.TrimSpace(*u.EventName), *u.Description, *u.Prize, dateArg(start), dateArg(end), *u.Budget, s.now())
		return err
	})
}

// Images lists the event's posters.
func (s *Service) Images(ctx context.Context, c user.Caller, id uuid.UUID) ([]Image, error) {
	if _, err := loadOwned(ctx, s.db, c, id, false); err != nil {
		return nil, err
	}
	return loadImages(ctx, s.db, id)
}

// SelectImage picks the poster the channels will use.
func (s *Service) SelectImage(ctx context.Context, c user.Caller, id, imageID uuid.UUID) (*Event, error) {
	return s.editDraft(ctx, c, id, "edit", func(tx pgx.Tx, e *Event) error {
		var url string
		err := tx.QueryRow(ctx, `SELECT image_url FROM events.generated_images WHERE event_id = $1 AND image_id = $2`, id, imageID).Scan(&url)
		if err == pgx.ErrNoRows {
			return apperr.New(apperr.NotFound, CodeItemNotFound, "this event has no such image")
		}
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE events.generated_images SET is_selected = false, updated_at = $2 WHERE event_id = $1 AND is_selected`, id, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE events.generated_images SET is_selected = true, updated_at = $2 WHERE image_id = $1`, imageID, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE events.events SET selected_image_id = $2, selected_image_url = $3, updated_at = $4 WHERE event_id = $1`, id, imageID, url, now)
		return err
	})
}

// SelectChannels sets where the event will be published and how.
func (s *Service) SelectChannels(ctx context.Context, c user.Caller, id uuid.UUID, choice ChannelChoice) (*Event, error) {
	settings, err := choice.validate(s.now())
	if err != nil {
		return nil, err
	}
	ordered := make([]string, 0, len(choice.Channels))
	for _, ch := range Channels { // canonical order
		if slices.Contains(choice.Channels, ch) {
			ordered = append(ordered, ch)
		}
	}
	chJSON, _ := json.Marshal(ordered)
	setJSON, _ := json.Marshal(settings)
	return s.editDraft(ctx, c, id, "edit", func(tx pgx.Tx, e *Event) error {
		if err := s.checkRingbackLine(ctx, e.StoreID, settings); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE events.events SET channels = $2, channel_settings = $3, updated_at = $4 WHERE event_id = $1`, id, chJSON, setJSON, s.now())
		return err
	})
}

// checkRingbackLine lets RINGOBIZ go only on the store's own line, the
// number its owner proved by an SMS code: RINGO_001 before any proof,
// RINGO_002 for any other number.
func (s *Service) checkRingbackLine(ctx context.Context, storeID uuid.UUID, settings map[string]json.RawMessage) error {
	raw, ok := settings["RINGOBIZ"]
	if !ok {
		return nil
	}
	var r ringoSettings
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	st, err := s.stores.StoreByID(ctx, storeID)
	if err != nil {
		return err
	}
	if st.VerifiedPhoneNumber == nil {
		return apperr.New(apperr.Invalid, CodeRingbackNotVerified,
			"verify the store's phone number by SMS code before using 링고비즈 (POST /users/store/phone-verifications)")
	}
	if *st.VerifiedPhoneNumber != r.PhoneNumber {
		return apperr.New(apperr.Invalid, CodeRingbackNotStore,
			"링고비즈 can only use the store's verified phone number")
	}
	return nil
}
