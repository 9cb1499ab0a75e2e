package analytics

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/user"
)

// The read side: the dashboards read only the rolled-up tables (never the
// raw log), so a read costs a few indexed rows whatever the traffic was.
// Every event-level read checks ownership with EventReader.Owned (403
// EVENT_003 / 404 EVENT_001); every owner-level read lets only the owner
// or an ADMIN in (403 AUTH_006, as the user domain answers).

// Dashboard returns an event's dashboard, from Redis when cached. A warm
// read by the event's owner costs no Postgres query: the cached value holds
// the owner's id, so the ownership check is the comparison with the
// caller; anyone else goes through Owned (an ADMIN gets the cached value
// after it, another owner 403). refresh bypasses the cache and rewrites it.
func (s *Service) Dashboard(ctx context.Context, c user.Caller, eventID uuid.UUID, refresh bool) (Dashboard, error) {
	key := s.DashboardKey(eventID)
	var cached *cachedDashboard
	if !refresh {
		cached = s.cachedDashboard(ctx, key)
		if cached != nil && cached.Owner == c.UserID {
			return cached.Dashboard, nil
		}
	}
	info, err := s.events.Owned(ctx, c, eventID)
	if err != nil {
		return Dashboard{}, err
	}
	if cached != nil {
		return cached.Dashboard, nil
	}
	stats, chans, err := s.eventFigures(ctx, eventID)
	if err != nil {
		return Dashboard{}, err
	}
	d := buildDashboard(stats, chans)
	d.EventID, d.EventTitle, d.Status = &eventID, stats[0].Title, stats[0].Status
	s.cacheDashboard(ctx, key, cachedDashboard{Owner: info.UserID, Dashboard: d})
	return d, nil
}

// UserDashboard is the dashboard over all of an owner's events, cached
// like an event's (the rollup drops it when one of the events changes).
// An owner without rolled-up events gets zeros, not an error.
func (s *Service) UserDashboard(ctx context.Context, c user.Caller, userID uuid.UUID, refresh bool) (Dashboard, error) {
	if err := selfOrAdmin(c, userID); err != nil {
		return Dashboard{}, err
	}
	key := s.userKey(userID)
	if !refresh {
		if cached := s.cachedDashboard(ctx, key); cached != nil {
			return cached.Dashboard, nil
		}
	}
	stats, chans, err := s.userFigures(ctx, userID)
	if err != nil {
		return Dashboard{}, err
	}
	d := buildDashboard(stats, chans)
	d.UserID = &userID
	s.cacheDashboard(ctx, key, cachedDashboard{Owner: userID, Dashboard: d})
	return d, nil
}

// Channels returns an event's per-channel report.
func (s *Service) Channels(ctx context.Context, c user.Caller, eventID uuid.UUID, q ChannelQuery) ([]ChannelReport, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return nil, err
	}
	stats, chans, err := s.eventFigures(ctx, eventID)
	if err != nil {
		return nil, err
	}
	return channelReports(aggregateChannels(stats, chans), q), nil
}

// UserChannels is the channel report over all of an owner's events: each
// channel's counts and costs summed.
func (s *Service) UserChannels(ctx context.Context, c user.Caller, userID uuid.UUID, q ChannelQuery) ([]ChannelReport, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	if err := selfOrAdmin(c, userID); err != nil {
		return nil, err
	}
	stats, chans, err := s.userFigures(ctx, userID)
	if err != nil {
		return nil, err
	}
	return channelReports(aggregateChannels(stats, chans), q), nil
}

// ROIReport returns an event's ROI estimate, recomputed with Estimate from
// the stored counts (so it always agrees with the dashboard), beside the
// measured inputs it started from.
func (s *Service) ROIReport(ctx context.Context, c user.Caller, eventID uuid.UUID) (ROIReport, error) {
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return ROIReport{}, err
	}
	stats, chans, err := s.eventFigures(ctx, eventID)
	if err != nil {
		return ROIReport{}, err
	}
	r := buildROIReport(stats, chans)
	r.EventID = &eventID
	return r, nil
}

// UserROI is the ROI over all of an owner's events: investments and
// revenues summed, the ratios recomputed from the sums, each event listed.
func (s *Service) UserROI(ctx context.Context, c user.Caller, userID uuid.UUID) (ROIReport, error) {
	if err := selfOrAdmin(c, userID); err != nil {
		return ROIReport{}, err
	}
	stats, chans, err := s.userFigures(ctx, userID)
	if err != nil {
		return ROIReport{}, err
	}
	r := buildROIReport(stats, chans)
	r.UserID = &userID
	r.Events = make([]EventROI, len(stats))
	for i, st := range stats {
		est := st.estimate(chans)
		r.Events[i] = EventROI{EventID: st.EventID, EventTitle: st.Title, Participants: st.Participants,
			TotalInvestment: est.Investment.Total, ExpectedRevenue: est.Revenue.Total, ROI: est.ROI, TargetROI: est.TargetROI}
	}
	return r, nil
}

// Timeline returns an event's hourly or daily series. An event with no
// entries or views yet has an empty series.
func (s *Service) Timeline(ctx context.Context, c user.Caller, eventID uuid.UUID, q TimelineQuery) (Timeline, error) {
	from, to, err := s.timelineRange(q)
	if err != nil {
		return Timeline{}, err
	}
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return Timeline{}, err
	}
	rows, err := s.db.Query(ctx, `SELECT "timestamp", participants, views, engagement, conversions, cumulative_participants
		FROM analytics.timeline_data
		WHERE event_id = $1 AND ($2::timestamptz IS NULL OR "timestamp" >= $2) AND ($3::timestamptz IS NULL OR "timestamp" < $3)
		ORDER BY "timestamp"`, eventID, from, to)
	if err != nil {
		return Timeline{}, fmt.Errorf("analytics: timeline of %s: %w", eventID, err)
	}
	t, err := s.timeline(rows, q)
	if err != nil {
		return Timeline{}, fmt.Errorf("analytics: timeline of %s: %w", eventID, err)
	}
	t.EventID = &eventID
	return t, nil
}

// UserTimeline is the series over all of an owner's events: each hour's
// counts summed, and the cumulative count the running total of all of the
// owner's entries (those before startDate included).
func (s *Service) UserTimeline(ctx context.Context, c user.Caller, userID uuid.UUID, q TimelineQuery) (Timeline, error) {
	from, to, err := s.timelineRange(q)
	if err != nil {
		return Timeline{}, err
	}
	if err := selfOrAdmin(c, userID); err != nil {
		return Timeline{}, err
	}
	rows, err := s.db.Query(ctx, `SELECT ts, p, v, e, c, cum FROM (
			SELECT t."timestamp" AS ts, sum(t.participants)::bigint AS p, sum(t.views)::bigint AS v, sum(t.engagement)::bigint AS e,
				sum(t.conversions)::bigint AS c, (sum(sum(t.participants)) OVER (ORDER BY t."timestamp"))::bigint AS cum
			FROM analytics.timeline_data t JOIN analytics.event_stats s ON s.event_id = t.event_id
			WHERE s.user_id = $1 GROUP BY t."timestamp") x
		WHERE ($2::timestamptz IS NULL OR ts >= $2) AND ($3::timestamptz IS NULL OR ts < $3)
		ORDER BY ts`, userID, from, to)
	if err != nil {
		return Timeline{}, fmt.Errorf("analytics: timeline of owner %s: %w", userID, err)
	}
	t, err := s.timeline(rows, q)
	if err != nil {
		return Timeline{}, fmt.Errorf("analytics: timeline of owner %s: %w", userID, err)
	}
	t.UserID = &userID
	return t, nil
}

// selfOrAdmin lets an owner read only their own aggregates; an ADMIN reads
// anyone's. The code is the user domain's for the same refusal.
func selfOrAdmin(c user.Caller, userID uuid.UUID) error {
	if !c.Reads(userID) {
		return apperr.New(apperr.Forbidden, user.CodeForbidden, "you may read only your own analytics")
	}
	return nil
}

// cachedDashboard is the cached value: the dashboard and whose it is.
type cachedDashboard struct {
	Owner     uuid.UUID `json:"owner"`
	Dashboard Dashboard `json:"dashboard"`
}

// cachedDashboard returns the cached value at key, nil on a miss. Redis
// failing is a miss: the dashboard is read from Postgres instead.
func (s *Service) cachedDashboard(ctx context.Context, key string) *cachedDashboard {
	b, err := s.rdb.Get(ctx, key).Bytes()
	if err != nil {
		if !errors.Is(err, goredis.Nil) {
			s.log.WarnContext(ctx, "dashboard cache unavailable; reading Postgres", "key", key, "error", err)
		}
		return nil
	}
	var v cachedDashboard
	if err := json.Unmarshal(b, &v); err != nil || v.Owner == uuid.Nil {
		return nil
	}
	return &v
}

// cacheDashboard stores a dashboard for DashboardTTL. A rollup that changes
// the figures deletes it sooner; one that races this write leaves it stale
// for at most the TTL.
func (s *Service) cacheDashboard(ctx context.Context, key string, v cachedDashboard) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.WarnContext(ctx, "dashboard not cached", "key", key, "error", err)
		return
	}
	if err := s.rdb.Set(ctx, key, b, s.cfg.DashboardTTL).Err(); err != nil {
		s.log.WarnContext(ctx, "dashboard not cached", "key", key, "error", err)
	}
}

// statsRow is one analytics.event_stats row.
type statsRow struct {
	EventID             uuid.UUID
	Title               string
	UserID              uuid.UUID
	Participants, Views int64
	StoreVisits, OptIns int64
	Industry, Objective string
	Budget              int64
	Channels            []string
	StartDate, EndDate  *time.Time
	Status              string
	LastUpdated         time.Time
}

const statsColumns = `event_id, event_title, user_id, total_participants, total_views, store_visits, marketing_opt_ins, industry, objective,
	budget, channels, start_date, end_date, status, coalesce(last_rolled_up_at, updated_at)`

func collectStats(rows pgx.Rows) ([]statsRow, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (statsRow, error) {
		var x statsRow
		err := r.Scan(&x.EventID, &x.Title, &x.UserID, &x.Participants, &x.Views, &x.StoreVisits, &x.OptIns, &x.Industry, &x.Objective,
			&x.Budget, &x.Channels, &x.StartDate, &x.EndDate, &x.Status, &x.LastUpdated)
		return x, err
	})
}

// channelRow is one analytics.channel_stats row.
type channelRow struct {
	EventID                                     uuid.UUID
	Name, Type                                  string
	Impressions, Views, Clicks                  int64
	Participants, Conversions                   int64
	DistributionCost                            float64
	Likes, Comments, Shares                     int64
	TotalCalls, CompletedCalls, AverageDuration int64
	EstimatedViews                              int64
	DistributionStatus                          *string
	MetricsAt                                   *time.Time
}

// eventFigures reads an event's stats row and its channels; no stats row
// yet is CodeNoData.
func (s *Service) eventFigures(ctx context.Context, eventID uuid.UUID) ([]statsRow, []channelRow, error) {
	rows, err := s.db.Query(ctx, `SELECT `+statsColumns+` FROM analytics.event_stats WHERE event_id = $1`, eventID)
	if err != nil {
		return nil, nil, fmt.Errorf("analytics: stats of %s: %w", eventID, err)
	}
	stats, err := collectStats(rows)
	if err != nil {
		return nil, nil, fmt.Errorf("analytics: stats of %s: %w", eventID, err)
	}
	if len(stats) == 0 {
		return nil, nil, apperr.NotFoundf(CodeNoData, "there are no figures for this event yet: they appear within 5 minutes of publishing, "+
			"once the next stats rollup has run")
	}
	chans, err := s.channelRows(ctx, []uuid.UUID{eventID})
	return stats, chans, err
}

// userFigures reads every stats row of an owner's events and their channels.
func (s *Service) userFigures(ctx context.Context, userID uuid.UUID) ([]statsRow, []channelRow, error) {
	rows, err := s.db.Query(ctx, `SELECT `+statsColumns+` FROM analytics.event_stats WHERE user_id = $1 ORDER BY start_date NULLS LAST, event_id`, userID)
	if err != nil {
		return nil, nil, fmt.Errorf("analytics: stats of owner %s: %w", userID, err)
	}
	stats, err := collectStats(rows)
	if err != nil {
		return nil, nil, fmt.Errorf("analytics: stats of owner %s: %w", userID, err)
	}
	if len(stats) == 0 {
		return stats, nil, nil
	}
	ids := make([]uuid.UUID, len(stats))
	for i, st := range stats {
		ids[i] = st.EventID
	}
	chans, err := s.channelRows(ctx, ids)
	return stats, chans, err
}

func (s *Service) channelRows(ctx context.Context, ids []uuid.UUID) ([]channelRow, error) {
	rows, err := s.db.Query(ctx, `SELECT event_id, channel_name, channel_type, impressions, views, clicks, participants, conversions,
			distribution_cost::float8, likes, comments, shares, total_calls, completed_calls, average_duration, estimated_views,
			distribution_status, metrics_at
		FROM analytics.channel_stats WHERE event_id = ANY($1) ORDER BY event_id, channel_name`, ids)
	if err != nil {
		return nil, fmt.Errorf("analytics: channel stats: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (channelRow, error) {
		var x channelRow
		err := r.Scan(&x.EventID, &x.Name, &x.Type, &x.Impressions, &x.Views, &x.Clicks, &x.Participants, &x.Conversions,
			&x.DistributionCost, &x.Likes, &x.Comments, &x.Shares, &x.TotalCalls, &x.CompletedCalls, &x.AverageDuration,
			&x.EstimatedViews, &x.DistributionStatus, &x.MetricsAt)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: channel stats: %w", err)
	}
	return out, nil
}

// eventDays is an event's length in days, both ends included; 0 when a
// date is unknown (Estimate then assumes DefaultEventDays).
func eventDays(start, end *time.Time) int {
	if start == nil || end == nil {
		return 0
	}
	return int(end.Sub(*start).Hours()/24) + 1
}

// estimate runs the ROI model on the row: the channels that posted are the
// event's channel rows with distribution status SUCCESS, as in the rollup.
func (st statsRow) estimate(chans []channelRow) ROI {
	var posted []string
	for _, ch := range chans {
		if ch.EventID == st.EventID && ch.DistributionStatus != nil && *ch.DistributionStatus == "SUCCESS" {
			posted = append(posted, ch.Name)
		}
	}
	return Estimate(ROIInput{Industry: st.Industry, Objective: st.Objective, Budget: st.Budget, Channels: st.Channels, PostedChannels: posted,
		Participants: st.Participants, StoreVisits: st.StoreVisits, Views: st.Views, EventDays: eventDays(st.StartDate, st.EndDate)})
}

// combinedROI is the estimate over several events. One event's is its own;
// for more, money is summed and the ratios are recomputed from the sums:
// ROI from the summed revenue and investment, sales growth against the
// summed baselines, the target weighted by investment (a plain mean when
// nothing was invested). The per-industry assumptions are kept only when
// every event shares the industry row; otherwise the category is MIXED
// and those figures are 0 (each event's are in its own report).
func combinedROI(stats []statsRow, chans []channelRow) ROI {
	if len(stats) == 1 {
		return stats[0].estimate(chans)
	}
	var sum ROI
	sum.Assumptions = Assumptions{PrizeShare: PrizeShare, ContentShare: ContentShare, OperationShare: OperationShare,
		DirectSalesShare: DirectSalesShare, NewCustomerShare: NewCustomerShare, ChannelCosts: map[string]int64{}}
	var participants int64
	var weighted, plain float64
	for i, st := range stats {
		e := st.estimate(chans)
		participants += st.Participants
		inv, rev, a := &sum.Investment, &sum.Revenue, &sum.Assumptions
		inv.Total += e.Investment.Total
		inv.PrizeCost += e.Investment.PrizeCost
		inv.ContentCreation += e.Investment.ContentCreation
		inv.Operation += e.Investment.Operation
		inv.Distribution += e.Investment.Distribution
		rev.Total += e.Revenue.Total
		rev.DirectSales += e.Revenue.DirectSales
		rev.ExpectedSales += e.Revenue.ExpectedSales
		rev.NewCustomerRevenue += e.Revenue.NewCustomerRevenue
		rev.ExistingCustomerRevenue += e.Revenue.ExistingCustomerRevenue
		weighted += e.TargetROI * e.Investment.Total
		plain += e.TargetROI
		if i == 0 {
			a.IndustryCategory, a.AverageSpend, a.LaterVisitRate = e.Assumptions.IndustryCategory, e.Assumptions.AverageSpend, e.Assumptions.LaterVisitRate
			a.RepeatVisits, a.BaselineDailyRevenue = e.Assumptions.RepeatVisits, e.Assumptions.BaselineDailyRevenue
		} else if a.IndustryCategory != e.Assumptions.IndustryCategory {
			a.IndustryCategory, a.AverageSpend, a.LaterVisitRate, a.RepeatVisits, a.BaselineDailyRevenue = "MIXED", 0, 0, 0, 0
		}
		a.ExpectedVisits += e.Assumptions.ExpectedVisits
		a.EventDays += e.Assumptions.EventDays
		a.BaselineRevenue += e.Assumptions.BaselineRevenue
		a.PlannedDistribution += e.Assumptions.PlannedDistribution
		for ch, cost := range e.Assumptions.ChannelCosts {
			a.ChannelCosts[ch] += cost
		}
	}
	sum.Assumptions.ExpectedVisits = math.Round(sum.Assumptions.ExpectedVisits*10) / 10
	sum.ROI = roiPercent(sum.Revenue.Total, sum.Investment.Total)
	switch {
	case sum.Investment.Total > 0:
		sum.TargetROI = math.Round(weighted/sum.Investment.Total*10) / 10
	case len(stats) > 0:
		sum.TargetROI = math.Round(plain/float64(len(stats))*10) / 10
	}
	sum.SalesGrowthRate = percent(sum.Revenue.Total, sum.Assumptions.BaselineRevenue)
	sum.CostPerParticipant = perHead(sum.Investment.Total, participants)
	sum.RevenuePerParticipant = perHead(sum.Revenue.Total, participants)
	return sum
}

// buildDashboard computes a dashboard from stats rows and their channels.
func buildDashboard(stats []statsRow, chans []channelRow) Dashboard {
	d := Dashboard{Events: len(stats), ChannelPerformance: []ChannelPerformance{}, Figures: dashboardFigures()}
	sm := &d.Summary
	for _, st := range stats {
		sm.Participants += st.Participants
		sm.TotalViews += st.Views
		sm.StoreVisits += st.StoreVisits
		sm.MarketingOptIns += st.OptIns
		if d.LastUpdated == nil || st.LastUpdated.After(*d.LastUpdated) {
			t := st.LastUpdated.UTC()
			d.LastUpdated = &t
		}
	}
	var impressions, reactions int64
	for _, ch := range aggregateChannels(stats, chans) {
		impressions += ch.Impressions
		reactions += ch.Likes + ch.Comments + ch.Shares
		d.ChannelPerformance = append(d.ChannelPerformance, ChannelPerformance{Channel: ch.Name, ChannelType: ChannelType(ch.Name),
			Views: ch.Views, Participants: ch.Participants, Conversions: ch.Conversions, ConversionRate: percent(float64(ch.Participants), float64(ch.Views)),
			Impressions: ch.Impressions, EstimatedViews: ch.EstimatedViews, DistributionStatus: ch.DistributionStatus})
	}
	sm.ConversionRate = percent(float64(sm.Participants), float64(sm.TotalViews))
	sm.EngagementRate = percent(float64(sm.Participants+reactions), float64(max(sm.TotalViews+impressions, 1)))
	roi := combinedROI(stats, chans)
	sm.EstimatedROI, sm.TargetROI, sm.SalesGrowthRate = roi.ROI, roi.TargetROI, roi.SalesGrowthRate
	d.ROI = DashboardROI{TotalInvestment: roi.Investment.Total, ExpectedRevenue: roi.Revenue.Total, ROI: roi.ROI,
		CostPerParticipant: roi.CostPerParticipant, RevenuePerParticipant: roi.RevenuePerParticipant}
	return d
}

// buildROIReport computes the ROI report from stats rows and their channels.
func buildROIReport(stats []statsRow, chans []channelRow) ROIReport {
	r := ROIReport{ROI: combinedROI(stats, chans), Figures: roiFigures()}
	in := &r.MeasuredInputs
	in.PostedChannels = []string{}
	for _, st := range stats {
		in.Participants += st.Participants
		in.StoreVisits += st.StoreVisits
		in.Views += st.Views
		in.Budget += st.Budget
		in.EventDays += eventDays(st.StartDate, st.EndDate)
		if r.LastUpdated == nil || st.LastUpdated.After(*r.LastUpdated) {
			t := st.LastUpdated.UTC()
			r.LastUpdated = &t
		}
	}
	for _, ch := range chans {
		if ch.DistributionStatus != nil && *ch.DistributionStatus == "SUCCESS" && !slices.Contains(in.PostedChannels, ch.Name) {
			in.PostedChannels = append(in.PostedChannels, ch.Name)
		}
	}
	slices.SortFunc(in.PostedChannels, byDisplayOrder)
	return r
}

// channelAgg is one channel's figures summed over events.
type channelAgg struct {
	Name                                                string
	Impressions, Views, Clicks, Participants            int64
	Conversions, EstimatedViews                         int64
	Likes, Comments, Shares, TotalCalls, CompletedCalls int64
	DistributionCost                                    float64
	durationSum                                         float64 // average duration × completed calls
	durationWeight                                      int64
	DistributionStatus                                  *string
	statusSeen                                          bool
	MetricsAt                                           *time.Time
}

// averageDuration is the call duration averaged over completed calls.
func (a *channelAgg) averageDuration() float64 {
	if a.durationWeight == 0 {
		return 0
	}
	return math.Round(a.durationSum/float64(a.durationWeight)*10) / 10
}

// aggregateChannels sums the channel rows per channel, and adds a zero line
// for every channel an event selected that has no row yet (before the
// fan-out reported), in display order. A distribution status is kept when
// every event with one agrees, else null; metricsAt is the latest.
func aggregateChannels(stats []statsRow, chans []channelRow) []*channelAgg {
	byName := map[string]*channelAgg{}
	get := func(name string) *channelAgg {
		if byName[name] == nil {
			byName[name] = &channelAgg{Name: name}
		}
		return byName[name]
	}
	for _, st := range stats {
		for _, name := range st.Channels {
			get(name)
		}
	}
	for _, ch := range chans {
		a := get(ch.Name)
		a.Impressions += ch.Impressions
		a.Views += ch.Views
		a.Clicks += ch.Clicks
		a.Participants += ch.Participants
		a.Conversions += ch.Conversions
		a.EstimatedViews += ch.EstimatedViews
		a.Likes += ch.Likes
		a.Comments += ch.Comments
		a.Shares += ch.Shares
		a.TotalCalls += ch.TotalCalls
		a.CompletedCalls += ch.CompletedCalls
		a.DistributionCost += ch.DistributionCost
		// A single row's own average comes back exactly; rows with no
		// completed call weigh nothing.
		a.durationSum += float64(ch.AverageDuration * ch.CompletedCalls)
		a.durationWeight += ch.CompletedCalls
		if ch.DistributionStatus != nil {
			switch {
			case !a.statusSeen:
				st := *ch.DistributionStatus
				a.DistributionStatus, a.statusSeen = &st, true
			case a.DistributionStatus == nil || *a.DistributionStatus != *ch.DistributionStatus:
				a.DistributionStatus = nil
			}
		}
		if ch.MetricsAt != nil && (a.MetricsAt == nil || ch.MetricsAt.After(*a.MetricsAt)) {
			t := ch.MetricsAt.UTC()
			a.MetricsAt = &t
		}
	}
	out := make([]*channelAgg, 0, len(byName))
	for _, a := range byName {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *channelAgg) int { return byDisplayOrder(a.Name, b.Name) })
	return out
}

// byDisplayOrder orders channels as the event wizard lists them
// (event.Sources), unknown names last by name.
func byDisplayOrder(a, b string) int {
	ia, ib := slices.Index(event.Sources, a), slices.Index(event.Sources, b)
	if ia < 0 {
		ia = len(event.Sources)
	}
	if ib < 0 {
		ib = len(event.Sources)
	}
	return cmp.Or(cmp.Compare(ia, ib), strings.Compare(a, b))
}

// sortKeys are the channel report's sortBy values.
var sortKeys = []string{"participants", "views", "conversions", "conversionRate", "impressions", "distributionCost", "channel"}

func (q ChannelQuery) validate() error {
	var v apperr.Validation
	for _, ch := range q.Channels {
		v.Check(slices.Contains(event.Sources, ch), "channels", "%q is not a channel; use %s", ch, strings.Join(event.Sources, ", "))
	}
	v.Check(q.SortBy == "" || slices.Contains(sortKeys, q.SortBy), "sortBy", "must be one of %s", strings.Join(sortKeys, ", "))
	v.Check(q.SortOrder == "" || q.SortOrder == "asc" || q.SortOrder == "desc", "sortOrder", "must be asc or desc")
	return v.Err()
}

// channelReports turns aggregates into the report, filtered and sorted as
// asked; ties (and no sortBy) keep the display order.
func channelReports(aggs []*channelAgg, q ChannelQuery) []ChannelReport {
	out := []ChannelReport{}
	for _, a := range aggs {
		if len(q.Channels) > 0 && !slices.Contains(q.Channels, a.Name) {
			continue
		}
		r := ChannelReport{Channel: a.Name, ChannelType: ChannelType(a.Name),
			Metrics: ChannelMetrics{Impressions: a.Impressions, Views: a.Views, Clicks: a.Clicks, Participants: a.Participants,
				Conversions: a.Conversions, ConversionRate: percent(float64(a.Participants), float64(a.Views))},
			Costs:              ChannelSpend{DistributionCost: money(a.DistributionCost), CostPerParticipant: perHead(a.DistributionCost, a.Participants)},
			DistributionStatus: a.DistributionStatus, EstimatedViews: a.EstimatedViews, MetricsAt: a.MetricsAt}
		switch r.ChannelType {
		case ChannelTypeSNS:
			r.SNS = &SNSMetrics{Likes: a.Likes, Comments: a.Comments, Shares: a.Shares}
		case ChannelTypeVoice:
			r.Call = &CallMetrics{TotalCalls: a.TotalCalls, CompletedCalls: a.CompletedCalls, AverageDuration: a.averageDuration()}
		}
		out = append(out, r)
	}
	if q.SortBy == "" {
		return out
	}
	key := func(r ChannelReport) float64 {
		switch q.SortBy {
		case "participants":
			return float64(r.Metrics.Participants)
		case "views":
			return float64(r.Metrics.Views)
		case "conversions":
			return float64(r.Metrics.Conversions)
		case "conversionRate":
			return r.Metrics.ConversionRate
		case "impressions":
			return float64(r.Metrics.Impressions)
		case "distributionCost":
			return r.Costs.DistributionCost
		}
		return 0
	}
	desc := q.SortOrder == "desc" || (q.SortOrder == "" && q.SortBy != "channel")
	slices.SortStableFunc(out, func(a, b ChannelReport) int {
		c := cmp.Compare(key(a), key(b))
		if q.SortBy == "channel" {
			c = strings.Compare(a.Channel, b.Channel)
		}
		if desc {
			c = -c
		}
		return c
	})
	return out
}

// timelineRange validates the query and turns its calendar dates into an
// instant range [from, to) in the configured time zone; nil ends are open.
func (s *Service) timelineRange(q TimelineQuery) (from, to *time.Time, err error) {
	var v apperr.Validation
	v.Check(q.Granularity == "" || q.Granularity == Hourly || q.Granularity == Daily, "granularity", "must be hourly or daily")
	v.Check(q.StartDate == nil || q.EndDate == nil || !q.EndDate.Before(q.StartDate.Time), "endDate", "must not be before startDate")
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	if q.StartDate != nil {
		t := s.midnight(q.StartDate.Time)
		from = &t
	}
	if q.EndDate != nil {
		t := s.midnight(q.EndDate.AddDate(0, 0, 1))
		to = &t
	}
	return from, to, nil
}

// midnight is the start of d's calendar date in the configured time zone.
func (s *Service) midnight(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.cfg.TimeZone).UTC()
}

// timeline reads hourly rows (oldest first) into the series: as they are,
// or summed per calendar day in the configured time zone, a day's
// cumulative count being its last hour's.
func (s *Service) timeline(rows pgx.Rows, q TimelineQuery) (Timeline, error) {
	hours, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TimelinePoint, error) {
		var p TimelinePoint
		err := r.Scan(&p.Timestamp, &p.Participants, &p.Views, &p.Engagement, &p.Conversions, &p.CumulativeParticipants)
		p.Timestamp = p.Timestamp.UTC()
		return p, err
	})
	if err != nil {
		return Timeline{}, err
	}
	t := Timeline{Granularity: cmp.Or(q.Granularity, Hourly), TimeZone: s.cfg.TimeZone.String(), StartDate: q.StartDate, EndDate: q.EndDate,
		Points: []TimelinePoint{}}
	if t.Granularity == Hourly {
		t.Points = append(t.Points, hours...)
	} else {
		for _, h := range hours {
			local := h.Timestamp.In(s.cfg.TimeZone)
			date := local.Format(time.DateOnly)
			if n := len(t.Points); n == 0 || t.Points[n-1].Date != date {
				t.Points = append(t.Points, TimelinePoint{Timestamp: s.midnight(local), Date: date})
			}
			day := &t.Points[len(t.Points)-1]
			day.Participants += h.Participants
			day.Views += h.Views
			day.Engagement += h.Engagement
			day.Conversions += h.Conversions
			day.CumulativeParticipants = h.CumulativeParticipants
		}
	}
	for _, p := range t.Points {
		if p.Participants > 0 && (t.Peak == nil || p.Participants > t.Peak.Participants) {
			t.Peak = &Peak{Timestamp: p.Timestamp, Date: p.Date, Participants: p.Participants}
		}
	}
	return t, nil
}
