package analytics

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
)

// fakeEvents answers ownership like event.Service.Owned and counts the
// calls, so a test can tell a cached read from a checked one.
type fakeEvents struct {
	mu     sync.Mutex
	owners map[uuid.UUID]uuid.UUID
	calls  int
}

func (f *fakeEvents) Owned(_ context.Context, c user.Caller, id uuid.UUID) (event.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	owner, ok := f.owners[id]
	if !ok {
		return event.Info{}, apperr.New(apperr.NotFound, event.CodeNotFound, "no such event")
	}
	if owner != c.UserID && !c.IsAdmin() {
		return event.Info{}, apperr.New(apperr.Forbidden, event.CodeForbidden, "this event belongs to another owner")
	}
	return event.Info{EventID: id, UserID: owner}, nil
}

func (f *fakeEvents) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// readEnv is a service on a fresh database with three events rolled up by
// hand: A (a cafe) and B (a restaurant) of alice, C of bob.
type readEnv struct {
	svc                *Service
	db                 *postgres.DB
	events             *fakeEvents
	queries            *testenv.QueryCounter
	alice, bob, admin  user.Caller
	evA, evB, evC, evD uuid.UUID // D is alice's, published, not rolled up yet
}

var (
	rolledA = time.Date(2026, 11, 22, 4, 55, 0, 0, time.UTC)
	rolledB = time.Date(2026, 11, 22, 4, 50, 0, 0, time.UTC)
	seenT1  = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	seenT2  = time.Date(2026, 11, 22, 3, 30, 0, 0, time.UTC)
	seenT3  = time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)
)

func newReadEnv(t *testing.T) *readEnv {
	t.Helper()
	ctx := context.Background()
	q := &testenv.QueryCounter{}
	db := testenv.Postgres(t, postgres.WithTracer(q))
	rdb, prefix := testenv.Redis(t)
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	e := &readEnv{db: db, queries: q,
		alice: user.Caller{UserID: uuid.New(), Role: user.RoleOwner}, bob: user.Caller{UserID: uuid.New(), Role: user.RoleOwner},
		admin: user.Caller{UserID: uuid.New(), Role: user.RoleAdmin},
		evA:   uuid.New(), evB: uuid.New(), evC: uuid.New(), evD: uuid.New()}
	e.events = &fakeEvents{owners: map[uuid.UUID]uuid.UUID{e.evA: e.alice.UserID, e.evB: e.alice.UserID, e.evC: e.bob.UserID, e.evD: e.alice.UserID}}
	e.svc = NewService(db, rdb, e.events, testenv.Logger(t), Config{KeyPrefix: prefix, TimeZone: seoul},
		func() time.Time { return time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC) })

	stats := `INSERT INTO analytics.event_stats (event_id, event_title, user_id, total_participants, total_views, store_visits, marketing_opt_ins,
		industry, objective, budget, channels, start_date, end_date, status, last_rolled_up_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::date, $13::date, $14, $15)`
	for _, r := range [][]any{
		{e.evA, "첫 잔 웰컴 커피", e.alice.UserID, 200, 1000, 60, 50, "카페", "REVISIT", 1_000_000,
			[]string{"INSTAGRAM", "KAKAO", "URIDONGNETV", "GINITV", "NAVER"}, "2026-11-20", "2026-11-29", "ACTIVE", rolledA},
		{e.evB, "신규 고객 국밥", e.alice.UserID, 40, 400, 10, 8, "음식점", "NEW_CUSTOMERS", 0,
			[]string{"RINGOBIZ", "INSTAGRAM", "KAKAO"}, "2026-11-25", "2026-12-01", "ENDED", rolledB},
		{e.evC, "남의 이벤트", e.bob.UserID, 999, 9999, 9, 9, "미용실", "AWARENESS", 500_000,
			[]string{"NAVER"}, "2026-11-20", "2026-11-21", "ACTIVE", rolledA},
	} {
		if _, err := db.Exec(ctx, stats, r...); err != nil {
			t.Fatal(err)
		}
	}
	chans := `INSERT INTO analytics.channel_stats (event_id, channel_name, channel_type, impressions, views, clicks, participants, conversions,
		distribution_cost, likes, comments, shares, total_calls, completed_calls, average_duration, estimated_views, distribution_status, metrics_at)
		VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`
	success, failed := ptr("SUCCESS"), ptr("FAILED")
	for _, r := range [][]any{
		// A: views 400+300+100+200 = 1000, entries 100+60+20+20 = 200, visits 30+20+5+5 = 60.
		{e.evA, "INSTAGRAM", "SNS", 3000, 400, 100, 30, 0, 120, 30, 10, 0, 0, 0, 2000, success, seenT1},
		{e.evA, "KAKAO", "SNS", 1000, 300, 60, 20, 0, 40, 10, 20, 0, 0, 0, 1000, success, seenT2},
		{e.evA, "URIDONGNETV", "TV", 4000, 100, 20, 5, 300_000, 0, 0, 0, 0, 0, 0, 5000, success, seenT1},
		{e.evA, "GINITV", "TV", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8000, failed, nil},
		{e.evA, "STORE_QR", "OWNED", 0, 200, 20, 5, 0, 0, 0, 0, 0, 0, 0, 0, nil, nil},
		// B: views 100+300 = 400, entries 10+30 = 40, visits 4+6 = 10.
		{e.evB, "RINGOBIZ", "VOICE", 0, 100, 10, 4, 50_000, 0, 0, 0, 80, 60, 45, 300, success, seenT3},
		{e.evB, "INSTAGRAM", "SNS", 500, 300, 30, 6, 0, 20, 5, 5, 0, 0, 0, 1000, success, seenT3},
		{e.evB, "KAKAO", "SNS", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 500, failed, nil},
		{e.evC, "NAVER", "SNS", 7777, 9999, 999, 9, 0, 99, 99, 99, 0, 0, 0, 1, success, seenT3},
	} {
		if _, err := db.Exec(ctx, chans, r...); err != nil {
			t.Fatal(err)
		}
	}
	hours := `INSERT INTO analytics.timeline_data (event_id, "timestamp", participants, views, engagement, conversions, cumulative_participants)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	for _, r := range [][]any{
		{e.evA, utc(2026, 11, 20, 14), 5, 50, 1, 2, 5},     // 23:00 on the 20th in Seoul
		{e.evA, utc(2026, 11, 20, 15), 10, 60, 3, 4, 15},   // 00:00 on the 21st in Seoul
		{e.evA, utc(2026, 11, 21, 2), 20, 100, 5, 6, 35},   // 11:00 on the 21st
		{e.evA, utc(2026, 11, 22, 3), 7, 30, 2, 1, 42},     // 12:00 on the 22nd
		{e.evB, utc(2026, 11, 21, 2), 4, 10, 1, 1, 4},      // the same hour as A's
		{e.evB, utc(2026, 11, 25, 5), 36, 390, 7, 9, 40},   // 14:00 on the 25th
		{e.evC, utc(2026, 11, 21, 2), 100, 100, 9, 9, 100}, // bob's: never in alice's figures
	} {
		if _, err := db.Exec(ctx, hours, r...); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func ptr[T any](v T) *T { return &v }

func utc(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

// sameJSON compares as the client sees it.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.MarshalIndent(got, "", " ")
	w, _ := json.MarshalIndent(want, "", " ")
	if string(g) != string(w) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func wantErr(t *testing.T, err error, kind apperr.Kind, code string) {
	t.Helper()
	if e := apperr.As(err); err == nil || e.Kind != kind || e.Code != code {
		t.Fatalf("error %v, want %v %s", err, kind, code)
	}
}

// wantDashboardA is event A's dashboard, computed by hand.
// ROI (see TestEstimate, the cafe case): investment 1,000,000 (300,000 of
// it URIDONGNETV, the only paid channel that posted), revenue 1,193,400,
// ROI 19.3 %, target 200 %, growth 19.9 %, 5,000 and 5,967 per head.
// Conversion 200 / 1000 = 20 %; engagement (200 + 160 likes + 40 comments
// + 30 shares) / (1000 views + 8000 impressions) = 4.78 % -> 4.8.
func wantDashboardA(e *readEnv) Dashboard {
	return Dashboard{EventID: &e.evA, EventTitle: "첫 잔 웰컴 커피", Status: "ACTIVE", Events: 1,
		Summary: Summary{Participants: 200, TotalViews: 1000, EngagementRate: 4.8, ConversionRate: 20, EstimatedROI: 19.3, TargetROI: 200,
			SalesGrowthRate: 19.9, StoreVisits: 60, MarketingOptIns: 50},
		ChannelPerformance: []ChannelPerformance{
			{Channel: "URIDONGNETV", ChannelType: "TV", Views: 100, Participants: 20, Conversions: 5, ConversionRate: 20, Impressions: 4000, EstimatedViews: 5000, DistributionStatus: ptr("SUCCESS")},
			{Channel: "GINITV", ChannelType: "TV", EstimatedViews: 8000, DistributionStatus: ptr("FAILED")},
			{Channel: "INSTAGRAM", ChannelType: "SNS", Views: 400, Participants: 100, Conversions: 30, ConversionRate: 25, Impressions: 3000, EstimatedViews: 2000, DistributionStatus: ptr("SUCCESS")},
			{Channel: "NAVER", ChannelType: "SNS"}, // selected, no row yet
			{Channel: "KAKAO", ChannelType: "SNS", Views: 300, Participants: 60, Conversions: 20, ConversionRate: 20, Impressions: 1000, EstimatedViews: 1000, DistributionStatus: ptr("SUCCESS")},
			{Channel: "STORE_QR", ChannelType: "OWNED", Views: 200, Participants: 20, Conversions: 5, ConversionRate: 10},
		},
		ROI:         DashboardROI{TotalInvestment: 1_000_000, ExpectedRevenue: 1_193_400, ROI: 19.3, CostPerParticipant: 5_000, RevenuePerParticipant: 5_967},
		Figures:     dashboardFigures(),
		LastUpdated: &rolledA,
	}
}

func TestDashboardAndCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newReadEnv(t)

	got, err := e.svc.Dashboard(ctx, e.alice, e.evA, false)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "dashboard", got, wantDashboardA(e))
	if e.events.count() != 1 {
		t.Fatalf("a cold read checked ownership %d times, want 1", e.events.count())
	}

	// Warm: the owner's read costs no query and no ownership check.
	before := e.queries.Count()
	again, err := e.svc.Dashboard(ctx, e.alice, e.evA, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.queries.Count() - before; n != 0 || e.events.count() != 1 {
		t.Fatalf("warm read ran %d queries and %d ownership checks, want none", n, e.events.count()-1)
	}
	sameJSON(t, "cached dashboard", again, wantDashboardA(e))

	// Figures change without an invalidation: the cache still answers,
	// refresh reads Postgres and rewrites the cache.
	if _, err := e.db.Exec(ctx, `UPDATE analytics.event_stats SET total_participants = 300 WHERE event_id = $1`, e.evA); err != nil {
		t.Fatal(err)
	}
	if d, _ := e.svc.Dashboard(ctx, e.alice, e.evA, false); d.Summary.Participants != 200 {
		t.Fatalf("cached read: %d participants, want the cached 200", d.Summary.Participants)
	}
	if d, _ := e.svc.Dashboard(ctx, e.alice, e.evA, true); d.Summary.Participants != 300 {
		t.Fatalf("refresh: %d participants, want 300", d.Summary.Participants)
	}
	before = e.queries.Count()
	if d, _ := e.svc.Dashboard(ctx, e.alice, e.evA, false); d.Summary.Participants != 300 || e.queries.Count() != before {
		t.Fatalf("after refresh: %d participants with %d queries, want 300 from the rewritten cache", d.Summary.Participants, e.queries.Count()-before)
	}

	// Another owner is refused even with the cache warm; an ADMIN is let in
	// after the check; unknown and unrolled events are 404s.
	_, err = e.svc.Dashboard(ctx, e.bob, e.evA, false)
	wantErr(t, err, apperr.Forbidden, event.CodeForbidden)
	checks := e.events.count()
	if d, err := e.svc.Dashboard(ctx, e.admin, e.evA, false); err != nil || d.Summary.Participants != 300 || e.events.count() != checks+1 {
		t.Fatalf("admin: %v %d participants, %d checks", err, d.Summary.Participants, e.events.count()-checks)
	}
	_, err = e.svc.Dashboard(ctx, e.alice, uuid.New(), false)
	wantErr(t, err, apperr.NotFound, event.CodeNotFound)
	_, err = e.svc.Dashboard(ctx, e.alice, e.evD, false)
	wantErr(t, err, apperr.NotFound, CodeNoData)

	// The rollup's invalidation key is the one read.
	if n, _ := e.svc.rdb.Exists(ctx, e.svc.DashboardKey(e.evA)).Result(); n != 1 {
		t.Fatalf("no dashboard cached at %s", e.svc.DashboardKey(e.evA))
	}
	if ttl, _ := e.svc.rdb.TTL(ctx, e.svc.DashboardKey(e.evA)).Result(); ttl <= 0 || ttl > 5*time.Minute {
		t.Fatalf("dashboard TTL %v, want up to 5 minutes", ttl)
	}
}

func TestChannels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newReadEnv(t)
	names := func(rs []ChannelReport) []string {
		out := []string{}
		for _, r := range rs {
			out = append(out, r.Channel)
		}
		return out
	}

	all, err := e.svc.Channels(ctx, e.alice, e.evA, ChannelQuery{})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "display order", names(all), []string{"URIDONGNETV", "GINITV", "INSTAGRAM", "NAVER", "KAKAO", "STORE_QR"})
	sameJSON(t, "URIDONGNETV", all[0], ChannelReport{Channel: "URIDONGNETV", ChannelType: "TV",
		Metrics:            ChannelMetrics{Impressions: 4000, Views: 100, Clicks: 100, Participants: 20, Conversions: 5, ConversionRate: 20},
		Costs:              ChannelSpend{DistributionCost: 300_000, CostPerParticipant: 15_000}, // 300,000 / 20
		DistributionStatus: ptr("SUCCESS"), EstimatedViews: 5000, MetricsAt: &seenT1})
	sameJSON(t, "INSTAGRAM", all[2], ChannelReport{Channel: "INSTAGRAM", ChannelType: "SNS",
		Metrics: ChannelMetrics{Impressions: 3000, Views: 400, Clicks: 400, Participants: 100, Conversions: 30, ConversionRate: 25},
		SNS:     &SNSMetrics{Likes: 120, Comments: 30, Shares: 10}, DistributionStatus: ptr("SUCCESS"), EstimatedViews: 2000, MetricsAt: &seenT1})
	sameJSON(t, "NAVER (selected, not reported)", all[3], ChannelReport{Channel: "NAVER", ChannelType: "SNS", SNS: &SNSMetrics{}})
	sameJSON(t, "STORE_QR", all[5], ChannelReport{Channel: "STORE_QR", ChannelType: "OWNED",
		Metrics: ChannelMetrics{Views: 200, Clicks: 200, Participants: 20, Conversions: 5, ConversionRate: 10}})

	b, err := e.svc.Channels(ctx, e.alice, e.evB, ChannelQuery{Channels: []string{"RINGOBIZ"}})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "RINGOBIZ", b, []ChannelReport{{Channel: "RINGOBIZ", ChannelType: "VOICE",
		Metrics:            ChannelMetrics{Views: 100, Clicks: 100, Participants: 10, Conversions: 4, ConversionRate: 10},
		Costs:              ChannelSpend{DistributionCost: 50_000, CostPerParticipant: 5_000},
		Call:               &CallMetrics{TotalCalls: 80, CompletedCalls: 60, AverageDuration: 45},
		DistributionStatus: ptr("SUCCESS"), EstimatedViews: 300, MetricsAt: &seenT3}})

	for _, tc := range []struct {
		q    ChannelQuery
		want []string
	}{
		// 25, 20, 20, 10, 0, 0: ties keep the display order.
		{ChannelQuery{SortBy: "conversionRate"}, []string{"INSTAGRAM", "URIDONGNETV", "KAKAO", "STORE_QR", "GINITV", "NAVER"}},
		{ChannelQuery{SortBy: "views", SortOrder: "asc"}, []string{"GINITV", "NAVER", "URIDONGNETV", "STORE_QR", "KAKAO", "INSTAGRAM"}},
		{ChannelQuery{SortBy: "participants", SortOrder: "desc"}, []string{"INSTAGRAM", "KAKAO", "URIDONGNETV", "STORE_QR", "GINITV", "NAVER"}},
		{ChannelQuery{SortBy: "impressions"}, []string{"URIDONGNETV", "INSTAGRAM", "KAKAO", "GINITV", "NAVER", "STORE_QR"}},
		{ChannelQuery{SortBy: "distributionCost"}, []string{"URIDONGNETV", "GINITV", "INSTAGRAM", "NAVER", "KAKAO", "STORE_QR"}},
		{ChannelQuery{SortBy: "conversions", SortOrder: "asc"}, []string{"GINITV", "NAVER", "URIDONGNETV", "STORE_QR", "KAKAO", "INSTAGRAM"}},
		{ChannelQuery{SortBy: "channel"}, []string{"GINITV", "INSTAGRAM", "KAKAO", "NAVER", "STORE_QR", "URIDONGNETV"}},
		{ChannelQuery{SortBy: "channel", SortOrder: "desc"}, []string{"URIDONGNETV", "STORE_QR", "NAVER", "KAKAO", "INSTAGRAM", "GINITV"}},
		{ChannelQuery{Channels: []string{"KAKAO", "INSTAGRAM", "RINGOBIZ"}}, []string{"INSTAGRAM", "KAKAO"}},
	} {
		got, err := e.svc.Channels(ctx, e.alice, e.evA, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, tc.q.SortBy+" "+tc.q.SortOrder, names(got), tc.want)
	}

	for _, q := range []ChannelQuery{
		{Channels: []string{"INSTAGRAM", "TIKTOK"}},
		{SortBy: "likes"},
		{SortOrder: "up"},
	} {
		_, err := e.svc.Channels(ctx, e.alice, e.evA, q)
		wantErr(t, err, apperr.Invalid, apperr.CodeValidation)
	}
	_, err = e.svc.Channels(ctx, e.bob, e.evA, ChannelQuery{})
	wantErr(t, err, apperr.Forbidden, event.CodeForbidden)
	_, err = e.svc.Channels(ctx, e.alice, e.evD, ChannelQuery{})
	wantErr(t, err, apperr.NotFound, CodeNoData)
}

func TestROIReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newReadEnv(t)
	got, err := e.svc.ROIReport(ctx, e.alice, e.evA)
	if err != nil {
		t.Fatal(err)
	}
	// The cafe case of TestEstimate, from the stored rows.
	want := ROIReport{EventID: &e.evA,
		ROI: ROI{
			Investment: Investment{Total: 1_000_000, PrizeCost: 350_000, ContentCreation: 210_000, Operation: 140_000, Distribution: 300_000},
			Revenue:    Revenue{Total: 1_193_400, DirectSales: 835_380, ExpectedSales: 358_020, NewCustomerRevenue: 477_360, ExistingCustomerRevenue: 716_040},
			ROI:        19.3, TargetROI: 200, SalesGrowthRate: 19.9, CostPerParticipant: 5_000, RevenuePerParticipant: 5_967,
			Assumptions: Assumptions{IndustryCategory: "CAFE", AverageSpend: 6_500, LaterVisitRate: 0.3, RepeatVisits: 1.8, ExpectedVisits: 102,
				BaselineDailyRevenue: 600_000, EventDays: 10, BaselineRevenue: 6_000_000, PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2,
				DirectSalesShare: 0.7, NewCustomerShare: 0.4, ChannelCosts: map[string]int64{"INSTAGRAM": 0, "KAKAO": 0, "URIDONGNETV": 300_000},
				PlannedDistribution: 800_000},
		},
		MeasuredInputs: MeasuredInputs{Participants: 200, StoreVisits: 60, Views: 1000, Budget: 1_000_000,
			PostedChannels: []string{"URIDONGNETV", "INSTAGRAM", "KAKAO"}, EventDays: 10},
		Figures: roiFigures(), LastUpdated: &rolledA}
	sameJSON(t, "ROI report", got, want)

	// The dashboard shows the same estimate.
	d, err := e.svc.Dashboard(ctx, e.alice, e.evA, false)
	if err != nil {
		t.Fatal(err)
	}
	if d.ROI.TotalInvestment != got.Investment.Total || d.ROI.ExpectedRevenue != got.Revenue.Total || d.Summary.EstimatedROI != got.ROI.ROI {
		t.Errorf("dashboard ROI %+v disagrees with the report %+v", d.ROI, got.ROI)
	}
	_, err = e.svc.ROIReport(ctx, e.bob, e.evA)
	wantErr(t, err, apperr.Forbidden, event.CodeForbidden)
	_, err = e.svc.ROIReport(ctx, e.alice, e.evD)
	wantErr(t, err, apperr.NotFound, CodeNoData)
}

func date(s string) *event.Date {
	d, err := event.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func TestTimeline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newReadEnv(t)
	point := func(ts time.Time, day string, p, v, eng, c, cum int64) TimelinePoint {
		return TimelinePoint{Timestamp: ts, Date: day, Participants: p, Views: v, Engagement: eng, Conversions: c, CumulativeParticipants: cum}
	}
	for _, tc := range []struct {
		name string
		q    TimelineQuery
		want Timeline
	}{
		{"hourly, everything", TimelineQuery{}, Timeline{Granularity: Hourly, Points: []TimelinePoint{
			point(utc(2026, 11, 20, 14), "", 5, 50, 1, 2, 5),
			point(utc(2026, 11, 20, 15), "", 10, 60, 3, 4, 15),
			point(utc(2026, 11, 21, 2), "", 20, 100, 5, 6, 35),
			point(utc(2026, 11, 22, 3), "", 7, 30, 2, 1, 42),
		}, Peak: &Peak{Timestamp: utc(2026, 11, 21, 2), Participants: 20}}},
		// Seoul days start at 15:00 UTC the day before: the 15:00 hour of
		// the 20th is the first of the 21st.
		{"daily, everything", TimelineQuery{Granularity: Daily}, Timeline{Granularity: Daily, Points: []TimelinePoint{
			point(utc(2026, 11, 19, 15), "2026-11-20", 5, 50, 1, 2, 5),
			point(utc(2026, 11, 20, 15), "2026-11-21", 30, 160, 8, 10, 35),
			point(utc(2026, 11, 21, 15), "2026-11-22", 7, 30, 2, 1, 42),
		}, Peak: &Peak{Timestamp: utc(2026, 11, 20, 15), Date: "2026-11-21", Participants: 30}}},
		{"hourly, one Seoul day", TimelineQuery{Granularity: Hourly, StartDate: date("2026-11-21"), EndDate: date("2026-11-21")},
			Timeline{Granularity: Hourly, StartDate: date("2026-11-21"), EndDate: date("2026-11-21"), Points: []TimelinePoint{
				point(utc(2026, 11, 20, 15), "", 10, 60, 3, 4, 15),
				point(utc(2026, 11, 21, 2), "", 20, 100, 5, 6, 35),
			}, Peak: &Peak{Timestamp: utc(2026, 11, 21, 2), Participants: 20}}},
		{"daily, from the 22nd", TimelineQuery{Granularity: Daily, StartDate: date("2026-11-22")},
			Timeline{Granularity: Daily, StartDate: date("2026-11-22"), Points: []TimelinePoint{
				point(utc(2026, 11, 21, 15), "2026-11-22", 7, 30, 2, 1, 42),
			}, Peak: &Peak{Timestamp: utc(2026, 11, 21, 15), Date: "2026-11-22", Participants: 7}}},
		{"nothing in range", TimelineQuery{EndDate: date("2026-11-19")},
			Timeline{Granularity: Hourly, EndDate: date("2026-11-19"), Points: []TimelinePoint{}}},
	} {
		got, err := e.svc.Timeline(ctx, e.alice, e.evA, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		tc.want.EventID, tc.want.TimeZone = &e.evA, "Asia/Seoul"
		sameJSON(t, tc.name, got, tc.want)
	}

	for _, q := range []TimelineQuery{
		{Granularity: "weekly"},
		{StartDate: date("2026-11-22"), EndDate: date("2026-11-21")},
	} {
		_, err := e.svc.Timeline(ctx, e.alice, e.evA, q)
		wantErr(t, err, apperr.Invalid, apperr.CodeValidation)
	}
	_, err := e.svc.Timeline(ctx, e.bob, e.evA, TimelineQuery{})
	wantErr(t, err, apperr.Forbidden, event.CodeForbidden)
	_, err = e.svc.Timeline(ctx, e.alice, uuid.New(), TimelineQuery{})
	wantErr(t, err, apperr.NotFound, event.CodeNotFound)
}

// Alice's aggregates cover A and B, never bob's C.
func TestUserAggregates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newReadEnv(t)
	alice := e.alice.UserID

	// B (restaurant, no budget): investment = RINGOBIZ 50,000; visits
	// 10 + 30 × 0.25 = 17.5; revenue 17.5 × 18,000 × 1.4 = 441,000.
	// A + B: investment 1,050,000, revenue 1,634,400,
	// ROI 584,400 / 1,050,000 = 55.66 % -> 55.7;
	// target (200 × 1,000,000 + 150 × 50,000) / 1,050,000 = 197.62 -> 197.6;
	// growth 1,634,400 / (6,000,000 + 1,500,000 × 7) = 9.91 % -> 9.9;
	// 1,050,000 / 240 = 4,375 and 1,634,400 / 240 = 6,810 per head.
	// Conversion 240 / 1400 = 17.14 % -> 17.1; engagement
	// (240 + 160 + 40 + 30 + 20 + 5 + 5) / (1400 + 8000 + 500) = 5.05 % -> 5.1.
	d, err := e.svc.UserDashboard(ctx, e.alice, alice, false)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "user dashboard", d, Dashboard{UserID: &alice, Events: 2,
		Summary: Summary{Participants: 240, TotalViews: 1400, EngagementRate: 5.1, ConversionRate: 17.1, EstimatedROI: 55.7, TargetROI: 197.6,
			SalesGrowthRate: 9.9, StoreVisits: 70, MarketingOptIns: 58},
		ChannelPerformance: []ChannelPerformance{
			{Channel: "URIDONGNETV", ChannelType: "TV", Views: 100, Participants: 20, Conversions: 5, ConversionRate: 20, Impressions: 4000, EstimatedViews: 5000, DistributionStatus: ptr("SUCCESS")},
			{Channel: "RINGOBIZ", ChannelType: "VOICE", Views: 100, Participants: 10, Conversions: 4, ConversionRate: 10, EstimatedViews: 300, DistributionStatus: ptr("SUCCESS")},
			{Channel: "GINITV", ChannelType: "TV", EstimatedViews: 8000, DistributionStatus: ptr("FAILED")},
			// 130 / 700 = 18.57 % -> 18.6
			{Channel: "INSTAGRAM", ChannelType: "SNS", Views: 700, Participants: 130, Conversions: 36, ConversionRate: 18.6, Impressions: 3500, EstimatedViews: 3000, DistributionStatus: ptr("SUCCESS")},
			{Channel: "NAVER", ChannelType: "SNS"},
			// SUCCESS on A, FAILED on B: no single status.
			{Channel: "KAKAO", ChannelType: "SNS", Views: 300, Participants: 60, Conversions: 20, ConversionRate: 20, Impressions: 1000, EstimatedViews: 1500},
			{Channel: "STORE_QR", ChannelType: "OWNED", Views: 200, Participants: 20, Conversions: 5, ConversionRate: 10},
		},
		ROI:     DashboardROI{TotalInvestment: 1_050_000, ExpectedRevenue: 1_634_400, ROI: 55.7, CostPerParticipant: 4_375, RevenuePerParticipant: 6_810},
		Figures: dashboardFigures(), LastUpdated: &rolledA})

	// Cached at the user key: the second read costs nothing.
	before := e.queries.Count()
	if _, err := e.svc.UserDashboard(ctx, e.alice, alice, false); err != nil || e.queries.Count() != before {
		t.Fatalf("warm user dashboard: %v, %d queries", err, e.queries.Count()-before)
	}
	if n, _ := e.svc.rdb.Exists(ctx, e.svc.userKey(alice)).Result(); n != 1 {
		t.Fatal("no user dashboard cached at the user key")
	}
	if _, err := e.svc.UserDashboard(ctx, e.alice, alice, true); err != nil || e.queries.Count() == before {
		t.Fatalf("refreshed user dashboard: %v, read nothing", err)
	}

	r, err := e.svc.UserROI(ctx, e.alice, alice)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "user ROI", r, ROIReport{UserID: &alice,
		ROI: ROI{
			Investment: Investment{Total: 1_050_000, PrizeCost: 350_000, ContentCreation: 210_000, Operation: 140_000, Distribution: 350_000},
			// B: 308,700 direct + 132,300 later; 176,400 new + 264,600 existing.
			Revenue: Revenue{Total: 1_634_400, DirectSales: 1_144_080, ExpectedSales: 490_320, NewCustomerRevenue: 653_760, ExistingCustomerRevenue: 980_640},
			ROI:     55.7, TargetROI: 197.6, SalesGrowthRate: 9.9, CostPerParticipant: 4_375, RevenuePerParticipant: 6_810,
			Assumptions: Assumptions{IndustryCategory: "MIXED", ExpectedVisits: 119.5, EventDays: 17, BaselineRevenue: 16_500_000,
				PrizeShare: 0.5, ContentShare: 0.3, OperationShare: 0.2, DirectSalesShare: 0.7, NewCustomerShare: 0.4,
				ChannelCosts:        map[string]int64{"INSTAGRAM": 0, "KAKAO": 0, "URIDONGNETV": 300_000, "RINGOBIZ": 50_000},
				PlannedDistribution: 850_000},
		},
		MeasuredInputs: MeasuredInputs{Participants: 240, StoreVisits: 70, Views: 1400, Budget: 1_000_000,
			PostedChannels: []string{"URIDONGNETV", "RINGOBIZ", "INSTAGRAM", "KAKAO"}, EventDays: 17},
		Figures: roiFigures(),
		Events: []EventROI{
			{EventID: e.evA, EventTitle: "첫 잔 웰컴 커피", Participants: 200, TotalInvestment: 1_000_000, ExpectedRevenue: 1_193_400, ROI: 19.3, TargetROI: 200},
			// (441,000 − 50,000) / 50,000 = 782 %
			{EventID: e.evB, EventTitle: "신규 고객 국밥", Participants: 40, TotalInvestment: 50_000, ExpectedRevenue: 441_000, ROI: 782, TargetROI: 150},
		},
		LastUpdated: &rolledA})

	ch, err := e.svc.UserChannels(ctx, e.alice, alice, ChannelQuery{Channels: []string{"INSTAGRAM", "RINGOBIZ"}, SortBy: "participants"})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "user channels", ch, []ChannelReport{
		{Channel: "INSTAGRAM", ChannelType: "SNS",
			Metrics: ChannelMetrics{Impressions: 3500, Views: 700, Clicks: 700, Participants: 130, Conversions: 36, ConversionRate: 18.6},
			SNS:     &SNSMetrics{Likes: 140, Comments: 35, Shares: 15}, DistributionStatus: ptr("SUCCESS"), EstimatedViews: 3000, MetricsAt: &seenT3},
		{Channel: "RINGOBIZ", ChannelType: "VOICE",
			Metrics:            ChannelMetrics{Views: 100, Clicks: 100, Participants: 10, Conversions: 4, ConversionRate: 10},
			Costs:              ChannelSpend{DistributionCost: 50_000, CostPerParticipant: 5_000},
			Call:               &CallMetrics{TotalCalls: 80, CompletedCalls: 60, AverageDuration: 45},
			DistributionStatus: ptr("SUCCESS"), EstimatedViews: 300, MetricsAt: &seenT3},
	})

	// Hours summed over A and B; the running total counts the entries
	// before startDate (5 on the 20th).
	tl, err := e.svc.UserTimeline(ctx, e.alice, alice, TimelineQuery{Granularity: Daily, StartDate: date("2026-11-21")})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "user timeline", tl, Timeline{UserID: &alice, Granularity: Daily, TimeZone: "Asia/Seoul", StartDate: date("2026-11-21"),
		Points: []TimelinePoint{
			{Timestamp: utc(2026, 11, 20, 15), Date: "2026-11-21", Participants: 34, Views: 170, Engagement: 9, Conversions: 11, CumulativeParticipants: 39},
			{Timestamp: utc(2026, 11, 21, 15), Date: "2026-11-22", Participants: 7, Views: 30, Engagement: 2, Conversions: 1, CumulativeParticipants: 46},
			{Timestamp: utc(2026, 11, 24, 15), Date: "2026-11-25", Participants: 36, Views: 390, Engagement: 7, Conversions: 9, CumulativeParticipants: 82},
		},
		Peak: &Peak{Timestamp: utc(2026, 11, 24, 15), Date: "2026-11-25", Participants: 36}})
	hourly, err := e.svc.UserTimeline(ctx, e.alice, alice, TimelineQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hourly.Points); n != 5 || hourly.Points[2].Participants != 24 || hourly.Points[2].CumulativeParticipants != 39 {
		t.Errorf("user hourly timeline: %+v", hourly.Points)
	}

	// Self or ADMIN only, with the user domain's code.
	_, err = e.svc.UserDashboard(ctx, e.bob, alice, false)
	wantErr(t, err, apperr.Forbidden, user.CodeForbidden)
	_, err = e.svc.UserChannels(ctx, e.bob, alice, ChannelQuery{})
	wantErr(t, err, apperr.Forbidden, user.CodeForbidden)
	_, err = e.svc.UserROI(ctx, e.bob, alice)
	wantErr(t, err, apperr.Forbidden, user.CodeForbidden)
	_, err = e.svc.UserTimeline(ctx, e.bob, alice, TimelineQuery{})
	wantErr(t, err, apperr.Forbidden, user.CodeForbidden)
	if a, err := e.svc.UserDashboard(ctx, e.admin, alice, false); err != nil || a.Summary.Participants != 240 {
		t.Fatalf("admin: %v, %d participants", err, a.Summary.Participants)
	}
	if r, err := e.svc.UserROI(ctx, e.admin, alice); err != nil || r.Investment.Total != 1_050_000 {
		t.Fatalf("admin ROI: %v, %v", err, r.Investment)
	}
	_, err = e.svc.UserChannels(ctx, e.alice, alice, ChannelQuery{SortOrder: "sideways"})
	wantErr(t, err, apperr.Invalid, apperr.CodeValidation)
	_, err = e.svc.UserTimeline(ctx, e.alice, alice, TimelineQuery{Granularity: "monthly"})
	wantErr(t, err, apperr.Invalid, apperr.CodeValidation)

	// An owner without rolled-up events sees zeros, not an error.
	nobody := uuid.New()
	empty, err := e.svc.UserDashboard(ctx, user.Caller{UserID: nobody, Role: user.RoleOwner}, nobody, false)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, "empty dashboard", empty, Dashboard{UserID: &nobody, ChannelPerformance: []ChannelPerformance{}, Figures: dashboardFigures()})
}
