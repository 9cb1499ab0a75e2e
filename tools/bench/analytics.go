package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/handlers"
)

// seedRaw appends n raw ParticipantRegistered rows (with every 10th a page
// view count) spread over events, queued for the rollup, as AnalyticsIngest
// would have recorded them. The EventCreated of each event comes first.
func seedRaw(ctx context.Context, env *Env, events []uuid.UUID, owner uuid.UUID, n int, tag string) error {
	if _, err := env.DB.Exec(ctx, `WITH created AS (
			INSERT INTO analytics.raw_events (message_id, event_id, type, occurred_at, payload)
			SELECT 'created-' || e, e, 'EventCreated', now() - interval '2 days',
				jsonb_build_object('type', 'EventCreated', 'eventId', e, 'userId', $2::uuid, 'title', '벤치 이벤트', 'industry', '카페',
					'objective', 'REVISIT', 'budget', 1000000, 'channels', jsonb_build_array('INSTAGRAM', 'KAKAO', 'URIDONGNETV'),
					'startDate', '2026-11-01', 'endDate', '2026-11-30')
			FROM unnest($1::uuid[]) e ON CONFLICT DO NOTHING RETURNING id)
		INSERT INTO analytics.rollup_queue SELECT id FROM created`, events, owner); err != nil {
		return fmt.Errorf("seed EventCreated: %w", err)
	}
	_, err := env.DB.Exec(ctx, `WITH raw AS (
			INSERT INTO analytics.raw_events (message_id, event_id, type, occurred_at, payload)
			SELECT $3 || '-' || i, ($1::uuid[])[1 + i % cardinality($1::uuid[])],
				CASE WHEN i % 10 = 0 THEN 'ViewsCounted' ELSE 'ParticipantRegistered' END,
				now() - make_interval(hours => i % 72),
				CASE WHEN i % 10 = 0 THEN jsonb_build_object('type', 'ViewsCounted', 'views', jsonb_build_object('INSTAGRAM', 7, 'KAKAO', 3, 'DIRECT', 2))
				ELSE jsonb_build_object('type', 'ParticipantRegistered', 'participantId', 'p' || i, 'storeVisited', i % 3 = 0, 'agreeMarketing', i % 4 = 0,
					'source', (ARRAY['INSTAGRAM', 'KAKAO', 'URIDONGNETV', 'STORE_QR'])[1 + i % 4]) END
			FROM generate_series(1, $2::int) i RETURNING id)
		INSERT INTO analytics.rollup_queue SELECT id FROM raw`, events, n, tag)
	if err != nil {
		return fmt.Errorf("seed raw rows: %w", err)
	}
	return nil
}

func newIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.New()
	}
	return ids
}

// analyticsSuite: StatsRollup over 10,000 new raw rows with no history,
// then the same amount with 100,000 older rows already rolled up (their
// events ended); and the dashboard read on a warm cache.
func analyticsSuite(ctx context.Context, env *Env) ([]Row, error) {
	const fresh, history = 10_000, 100_000
	svc, err := wire(ctx, env)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	stats := svc.Analytics
	ownerID := uuid.New()
	if err := seedRaw(ctx, env, newIDs(50), ownerID, fresh, "a"); err != nil {
		return nil, err
	}
	start := time.Now()
	r1, err := stats.Rollup(ctx)
	if err != nil {
		return nil, err
	}
	empty := time.Since(start)

	// History: 100,000 rows of 500 past events, rolled up and ended.
	past := newIDs(500)
	if err := seedRaw(ctx, env, past, ownerID, history, "h"); err != nil {
		return nil, err
	}
	if _, err := stats.Rollup(ctx); err != nil {
		return nil, err
	}
	if _, err := env.DB.Exec(ctx, `UPDATE analytics.event_stats SET status = 'ENDED', updated_at = now() - interval '30 days' WHERE event_id = ANY($1)`, past); err != nil {
		return nil, err
	}
	if _, err := env.DB.Exec(ctx, `VACUUM ANALYZE analytics.raw_events, analytics.rollup_queue, analytics.event_stats, analytics.channel_stats, analytics.timeline_data`); err != nil {
		return nil, err
	}
	if err := seedRaw(ctx, env, newIDs(50), ownerID, fresh, "b"); err != nil {
		return nil, err
	}
	start = time.Now()
	r2, err := stats.Rollup(ctx)
	if err != nil {
		return nil, err
	}
	withHistory := time.Since(start)

	reads, baseline, err := dashboardReads(ctx, env, svc)
	if err != nil {
		return nil, err
	}
	return []Row{
		{Suite: "analytics", Figure: fmt.Sprintf("StatsRollup of %d new raw rows, %d older rolled up", r2.Raw, history), Value: ms(withHistory),
			Baseline: fmt.Sprintf("%s (%d rows, empty history)", ms(empty), r1.Raw), Ratio: fmt.Sprintf("%.2f", float64(withHistory)/float64(empty)), Target: "<= 2"},
		{Suite: "analytics", Figure: "AnalyticsDashboard, warm cache, 1,000 reads over loopback (p50 / p99)", Value: ms(percentile(reads, 0.5)) + " / " + ms(percentile(reads, 0.99)),
			Baseline: ms(percentile(baseline, 0.99)) + " (UserProfileGet p99)", Ratio: fmt.Sprintf("%.1f", float64(percentile(reads, 0.99))/float64(percentile(baseline, 0.99))), Target: "p99 < 5 ms"},
	}, nil
}

// dashboardReads times GET /events/{id}/analytics through the handler with
// the cache warm, beside the same server's plainest authenticated read, the
// owner's profile (one Postgres query).
func dashboardReads(ctx context.Context, env *Env, svc *app.App) ([]time.Duration, []time.Duration, error) {
	id, c, err := liveEvent(ctx, env, svc.Users)
	if err != nil {
		return nil, nil, err
	}
	token := c.token
	if err := seedRaw(ctx, env, []uuid.UUID{id}, c.UserID, 500, "d"+id.String()[:8]); err != nil {
		return nil, nil, err
	}
	if _, err := svc.Analytics.Rollup(ctx); err != nil {
		return nil, nil, err
	}
	ts := httptest.NewServer(handlers.New(svc))
	defer ts.Close()
	get := func(path string) (time.Duration, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		return time.Since(t0), nil
	}
	if _, err := get("/api/v1/events/" + id.String() + "/analytics"); err != nil { // warms the cache
		return nil, nil, err
	}
	var reads, base []time.Duration
	for range 1000 {
		d, err := get("/api/v1/events/" + id.String() + "/analytics")
		if err != nil {
			return nil, nil, err
		}
		reads = append(reads, d)
	}
	for range 1000 {
		d, err := get("/api/v1/users/profile")
		if err != nil {
			return nil, nil, err
		}
		base = append(base, d)
	}
	return reads, base, nil
}
