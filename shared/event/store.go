package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/user"
)

const eventColumns = `event_id, user_id, store_id, objective, status, event_name, description, prize, start_date, end_date,
	winner_count, budget, channels, channel_settings, selected_recommendation_id, selected_image_id, selected_image_url,
	draw_commitment, time_zone, published_at, ended_at, created_at, updated_at, web_poster_url, web_poster_width, web_poster_height,
	verify_phone`

func scanEvent(row pgx.Row) (*Event, error) {
	var e Event
	var start, end *time.Time
	var channels, settings []byte
	var posterURL *string
	var posterW, posterH *int
	err := row.Scan(&e.EventID, &e.UserID, &e.StoreID, &e.Objective, &e.Status, &e.EventName, &e.Description, &e.Prize, &start, &end,
		&e.WinnerCount, &e.Budget, &channels, &settings, &e.SelectedRecommendationID, &e.SelectedImageID, &e.SelectedImageURL,
		&e.DrawCommitment, &e.TimeZone, &e.PublishedAt, &e.EndedAt, &e.CreatedAt, &e.UpdatedAt, &posterURL, &posterW, &posterH,
		&e.VerifyPhone)
	if err != nil {
		return nil, err
	}
	if posterURL != nil && posterW != nil && posterH != nil {
		e.WebPoster = &WebPoster{URL: *posterURL, Width: *posterW, Height: *posterH}
	}
	if start != nil {
		e.StartDate = &Date{*start}
	}
	if end != nil {
		e.EndDate = &Date{*end}
	}
	if err := json.Unmarshal(channels, &e.Channels); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(settings, &e.ChannelSettings); err != nil {
		return nil, err
	}
	e.Recommendations, e.Images = []Recommendation{}, []Image{}
	return &e, nil
}

var errNotFound = apperr.New(apperr.NotFound, CodeNotFound, "no such event")

// loadEvent reads one event (locked for update when lock), without its
// plans and posters.
func loadEvent(ctx context.Context, q postgres.Querier, id uuid.UUID, lock bool) (*Event, error) {
	sql := `SELECT ` + eventColumns + ` FROM events.events WHERE event_id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	e, err := scanEvent(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("event: load %s: %w", id, err)
	}
	return e, nil
}

// loadOwned reads an event the caller may act on: 404 when it does not
// exist, 403 when it is another owner's.
func loadOwned(ctx context.Context, q postgres.Querier, c user.Caller, id uuid.UUID, lock bool) (*Event, error) {
	e, err := loadEvent(ctx, q, id, lock)
	if err != nil {
		return nil, err
	}
	if e.UserID != c.UserID && !c.IsAdmin() {
		return nil, apperr.New(apperr.Forbidden, CodeForbidden, "this event belongs to another owner")
	}
	return e, nil
}

// loadFull reads an event with its plans and posters.
func loadFull(ctx context.Context, q postgres.Querier, id uuid.UUID) (*Event, error) {
	e, err := loadEvent(ctx, q, id, false)
	if err != nil {
		return nil, err
	}
	return e, loadDetails(ctx, q, e)
}

// loadDetails fills in the event's plans and posters.
func loadDetails(ctx context.Context, q postgres.Querier, e *Event) error {
	rows, err := q.Query(ctx, `SELECT recommendation_id, coalesce(budget_level, ''), event_name, description, coalesce(prize, ''),
		coalesce(participation_method, ''), promotion_type, target_audience, coalesce(estimated_cost, 0), coalesce(expected_roi, 0)::float8, is_selected
		FROM events.ai_recommendations WHERE event_id = $1
		ORDER BY CASE budget_level WHEN 'LOW' THEN 1 WHEN 'MID' THEN 2 WHEN 'HIGH' THEN 3 ELSE 4 END, created_at`, e.EventID)
	if err != nil {
		return err
	}
	e.Recommendations, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Recommendation, error) {
		var x Recommendation
		err := r.Scan(&x.RecommendationID, &x.BudgetLevel, &x.EventName, &x.Description, &x.Prize, &x.ParticipationMethod,
			&x.PromotionType, &x.TargetAudience, &x.EstimatedCost, &x.ExpectedROI, &x.IsSelected)
		return x, err
	})
	if err != nil {
		return err
	}
	e.Images, err = loadImages(ctx, q, e.EventID)
	return err
}

func loadImages(ctx context.Context, q postgres.Querier, eventID uuid.UUID) ([]Image, error) {
	rows, err := q.Query(ctx, `SELECT image_id, style, platform, image_url, coalesce(width, 0), coalesce(height, 0), is_selected
		FROM events.generated_images WHERE event_id = $1
		ORDER BY created_at, array_position(ARRAY['SIMPLE','FANCY','TRENDY'], style::text), array_position(ARRAY['INSTAGRAM','NAVER','KAKAO'], platform::text)`, eventID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Image, error) {
		var x Image
		err := r.Scan(&x.ImageID, &x.Style, &x.Platform, &x.ImageURL, &x.Width, &x.Height, &x.IsSelected)
		return x, err
	})
}

// listEvents returns one page of the owner's events, newest first.
func listEvents(ctx context.Context, q postgres.Querier, userID uuid.UUID, f Filter) ([]Summary, int, error) {
	where := []string{"user_id = $1"}
	args := []any{userID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Status != "" {
		add("status = $%d", f.Status)
	}
	if f.Objective != "" {
		add("objective = $%d", f.Objective)
	}
	if f.Search != "" {
		add(`event_name ILIKE $%d ESCAPE '\'`, "%"+escapeLike(f.Search)+"%")
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM events.events WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("event: count: %w", err)
	}
	args = append(args, f.Size, f.Page*f.Size)
	rows, err := q.Query(ctx, fmt.Sprintf(`SELECT event_id, event_name, objective, status, start_date, end_date, created_at
		FROM events.events WHERE %s ORDER BY created_at DESC, event_id DESC LIMIT $%d OFFSET $%d`, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("event: list: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Summary, error) {
		var s Summary
		var start, end *time.Time
		err := r.Scan(&s.EventID, &s.EventName, &s.Objective, &s.Status, &start, &end, &s.CreatedAt)
		if start != nil {
			s.StartDate = &Date{*start}
		}
		if end != nil {
			s.EndDate = &Date{*end}
		}
		return s, err
	})
	return items, total, err
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
