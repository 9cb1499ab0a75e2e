package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
)

// The constraints the product relies on, each shown failing with the right
// SQLSTATE and constraint name.
func TestConstraints(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	ctx := context.Background()
	ev := uuid.New()
	entry := `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, bonus_entries, agree_privacy, channel)
		VALUES ($1, $2, '김민수', $3, $4, true, $5)`
	draw := `INSERT INTO participation.draw_logs (event_id, total_participants, winner_count, apply_store_visit_bonus, algorithm, drawn_at, drawn_by)
		VALUES ($1, $2, $3, false, $4, now(), 'owner')`
	user := `INSERT INTO users.users (name, phone_number, email, password_hash) VALUES ('n', $1, $2, 'x') RETURNING id`
	mustExec(t, db, entry, "20261122-000001", ev, "01012345678", 1, "WEB")
	mustExec(t, db, draw, ev, 10, 3, "RANDOM")
	var uid uuid.UUID
	if err := db.QueryRow(ctx, user, "01099998888", "a@example.com").Scan(&uid); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `INSERT INTO users.stores (user_id, name, industry, address) VALUES ($1, 's', '카페', '서울')`, uid)
	mustExec(t, db, `INSERT INTO events.events (user_id, store_id, objective) VALUES ($1, $1, 'REVISIT')`, uid)

	tests := []struct {
		name       string
		sql        string
		args       []any
		code       string
		constraint string
	}{
		{"duplicate event and phone", entry, []any{"20261122-000002", ev, "01012345678", 1, "WEB"}, postgres.UniqueViolation, "uk_event_phone"},
		{"same phone, other event is fine", "", nil, "", ""},
		{"duplicate entry number in event", entry, []any{"20261122-000001", ev, "01011112222", 1, "WEB"}, postgres.UniqueViolation, "uk_participant_id"},
		{"bonus entries 0", entry, []any{"20261122-000003", ev, "01022223333", 0, "WEB"}, postgres.CheckViolation, "chk_bonus_entries"},
		{"bonus entries 4", entry, []any{"20261122-000004", ev, "01022223334", 4, "WEB"}, postgres.CheckViolation, "chk_bonus_entries"},
		{"unknown channel", entry, []any{"20261122-000005", ev, "01022223335", 1, "SMS"}, postgres.CheckViolation, "chk_channel"},
		{"second draw for an event", draw, []any{ev, 10, 3, "WEIGHTED"}, postgres.UniqueViolation, "uk_draw_event"},
		{"draw with more winners than entries", draw, []any{uuid.New(), 2, 3, "RANDOM"}, postgres.CheckViolation, "chk_total_participants"},
		{"draw with zero winners", draw, []any{uuid.New(), 2, 0, "RANDOM"}, postgres.CheckViolation, "chk_winner_count"},
		{"unknown algorithm", draw, []any{uuid.New(), 2, 1, "LOTTO"}, postgres.CheckViolation, "chk_algorithm"},
		{"duplicate email", user, []any{"01077776666", "a@example.com"}, postgres.UniqueViolation, "uk_users_email"},
		{"duplicate phone", user, []any{"01099998888", "b@example.com"}, postgres.UniqueViolation, "uk_users_phone_number"},
		{"second store for a user", `INSERT INTO users.stores (user_id, name, industry, address) VALUES ($1, 's2', '카페', '서울')`, []any{uid}, postgres.UniqueViolation, "uk_stores_user_id"},
		{"event dates reversed", `INSERT INTO events.events (user_id, store_id, objective, start_date, end_date) VALUES ($1, $1, 'REVISIT', '2026-12-02', '2026-12-01')`, []any{uid}, postgres.CheckViolation, "chk_events_dates"},
		{"unknown event status", `INSERT INTO events.events (user_id, store_id, objective, status, draw_seed, draw_commitment) VALUES ($1, $1, 'REVISIT', 'LIVE', decode(repeat('ab', 32), 'hex'), repeat('0', 64))`, []any{uid}, postgres.CheckViolation, "chk_events_status"},
		{"published without a seed", `INSERT INTO events.events (user_id, store_id, objective, status) VALUES ($1, $1, 'REVISIT', 'PUBLISHED')`, []any{uid}, postgres.CheckViolation, "chk_events_published_has_seed"},
		{"job progress over 100", `INSERT INTO events.jobs (event_id, job_type, progress) VALUES ($1, 'AI_RECOMMENDATION', 101)`, []any{ev}, postgres.CheckViolation, "chk_jobs_progress"},
		{"recommendation for a missing event", `INSERT INTO events.ai_recommendations (event_id, event_name, description, promotion_type, target_audience) VALUES ($1, 'n', 'd', 'p', 't')`, []any{ev}, postgres.ForeignKeyViolation, "fk_recommendations_event"},
		{"unknown distribution channel", `WITH d AS (INSERT INTO distribution.distribution_status (event_id, overall_status, started_at) VALUES ($1, 'IN_PROGRESS', now()) RETURNING id)
			INSERT INTO distribution.channel_status (distribution_status_id, channel, status, event_id) SELECT id, 'SMS', 'PENDING', $1 FROM d`, []any{ev}, postgres.CheckViolation, "chk_channel_name"},
		{"completed calls over total", `INSERT INTO analytics.channel_stats (event_id, channel_name, channel_type, total_calls, completed_calls) VALUES ($1, 'RINGOBIZ', 'VOICE', 1, 2)`, []any{ev}, postgres.CheckViolation, "chk_channel_stats_calls"},
		{"negative participants", `INSERT INTO analytics.event_stats (event_id, event_title, user_id, total_participants) VALUES ($1, 't', $1, -1)`, []any{ev}, postgres.CheckViolation, "chk_event_stats_participants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sql == "" {
				mustExec(t, db, entry, "20261122-000001", uuid.New(), "01012345678", 3, "INSTORE")
				return
			}
			_, err := db.Exec(ctx, tt.sql, tt.args...)
			if !postgres.IsCode(err, tt.code) || postgres.ConstraintName(err) != tt.constraint {
				t.Errorf("got %v (constraint %q), want SQLSTATE %s on %s", err, postgres.ConstraintName(err), tt.code, tt.constraint)
			}
		})
	}
}

// One selected plan and one selected image per event.
func TestOneSelectedPerEvent(t *testing.T) {
	t.Parallel()
	db := testenv.Postgres(t)
	ctx := context.Background()
	var ev uuid.UUID
	if err := db.QueryRow(ctx, `INSERT INTO events.events (user_id, store_id, objective) VALUES (gen_random_uuid(), gen_random_uuid(), 'AWARENESS') RETURNING event_id`).Scan(&ev); err != nil {
		t.Fatal(err)
	}
	img := `INSERT INTO events.generated_images (event_id, image_url, style, platform, is_selected) VALUES ($1, 'u', 'SIMPLE', 'KAKAO', $2)`
	mustExec(t, db, img, ev, true)
	mustExec(t, db, img, ev, false)
	if _, err := db.Exec(ctx, img, ev, true); postgres.ConstraintName(err) != "uk_images_one_selected" {
		t.Errorf("second selected image: got %v", err)
	}
	// Deleting the event cascades to its images but keeps its jobs.
	mustExec(t, db, `INSERT INTO events.jobs (event_id, job_type) VALUES ($1, 'IMAGE_GENERATION')`, ev)
	mustExec(t, db, `DELETE FROM events.events WHERE event_id = $1`, ev)
	var images, jobs int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM events.generated_images WHERE event_id = $1), (SELECT count(*) FROM events.jobs WHERE event_id = $1)`, ev).Scan(&images, &jobs); err != nil {
		t.Fatal(err)
	}
	if images != 0 || jobs != 1 {
		t.Errorf("after delete: images %d (want 0), jobs %d (want 1)", images, jobs)
	}
}

// A second run is a no-op, and concurrent runs apply each migration once.
func TestMigrateIsIdempotentAndLocked(t *testing.T) {
	t.Parallel()
	url := testenv.PostgresURL(t) // already migrated from the template
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	applied, err := postgres.Migrate(ctx, conn, testenv.Logger(t))
	if err != nil || len(applied) != 0 {
		t.Fatalf("second run applied %v, err %v; want nothing", applied, err)
	}

	// From empty, four concurrent migrators.
	if _, err := conn.Exec(ctx, `DROP SCHEMA users, events, participation, distribution, analytics, outbox CASCADE; DROP TABLE schema_migrations`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close(ctx)
			applied, err := postgres.Migrate(ctx, c, testenv.Logger(t))
			if err != nil {
				t.Error(err)
			}
			counts[i] = len(applied)
		}()
	}
	wg.Wait()
	all, _ := postgres.Migrations()
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != len(all) {
		t.Errorf("concurrent migrators applied %v migrations in all (%v), want %d", total, counts, len(all))
	}
}

func mustExec(t *testing.T, db *postgres.DB, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
