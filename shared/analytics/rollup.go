package analytics

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/event"
)

// The payloads as their producers send them (JSON is the contract, not
// the producers' Go types).
type (
	createdPayload struct {
		UserID    uuid.UUID `json:"userId"`
		Title     string    `json:"title"`
		Objective string    `json:"objective"`
		Industry  string    `json:"industry"`
		Budget    int64     `json:"budget"`
		Channels  []string  `json:"channels"`
		StartDate string    `json:"startDate"`
		EndDate   string    `json:"endDate"`
	}
	entryPayload struct {
		StoreVisited   bool      `json:"storeVisited"`
		AgreeMarketing bool      `json:"agreeMarketing"`
		Source         string    `json:"source"`
		OccurredAt     time.Time `json:"occurredAt"` // in a list (the row's own time otherwise)
	}
	entriesPayload struct {
		Entries []entryPayload `json:"entries"`
	}
	distributedPayload struct {
		DistributedChannels []struct {
			Channel       string `json:"channel"`
			Status        string `json:"status"`
			ExpectedViews int64  `json:"expectedViews"`
		} `json:"distributedChannels"`
	}
	metricsPayload struct {
		Channel         string    `json:"channel"`
		Impressions     int64     `json:"impressions"`
		Views           int64     `json:"views"`
		Likes           int64     `json:"likes"`
		Comments        int64     `json:"comments"`
		Shares          int64     `json:"shares"`
		TotalCalls      int64     `json:"totalCalls"`
		CompletedCalls  int64     `json:"completedCalls"`
		AverageDuration float64   `json:"averageDuration"`
		CollectedAt     time.Time `json:"collectedAt"`
	}
	viewsPayload struct {
		Views map[string]int64 `json:"views"` // per source
	}
)

// rawEvent is one row of the raw log.
type rawEvent struct {
	ID         int64
	EventID    uuid.UUID
	Type       string
	OccurredAt time.Time
	Payload    []byte
}

// RollupResult counts one StatsRollup run.
type RollupResult struct {
	ViewBatches int `json:"viewBatches"` // events whose page views were taken out of Redis
	Raw         int `json:"raw"`         // raw rows folded
	Events      int `json:"events"`      // events whose stats changed
	Batches     int `json:"batches"`
}

// Rollup folds what arrived since the last run: first the page views
// counted in Redis become raw rows, then the queued raw rows are folded in
// batches, each batch claimed (FOR UPDATE SKIP LOCKED), folded and removed
// from the queue in one transaction, so overlapping runs never count a row
// twice and a failed run leaves its rows queued.
func (s *Service) Rollup(ctx context.Context) (RollupResult, error) {
	var res RollupResult
	n, err := s.takeViews(ctx)
	res.ViewBatches = n
	if err != nil {
		return res, err
	}
	touched := map[uuid.UUID]bool{}
	users := map[uuid.UUID]bool{}
	for {
		var rows []rawEvent
		err := s.db.InTx(ctx, func(tx pgx.Tx) error {
			var err error
			rows, err = claim(ctx, tx, s.cfg.BatchSize)
			if err != nil || len(rows) == 0 {
				return err
			}
			ev, us, err := s.fold(ctx, tx, rows)
			for _, id := range ev {
				touched[id] = true
			}
			for _, id := range us {
				users[id] = true
			}
			return err
		})
		if err != nil {
			return res, err
		}
		if len(rows) == 0 {
			break
		}
		res.Raw += len(rows)
		res.Batches++
		if len(rows) < s.cfg.BatchSize {
			break
		}
	}
	res.Events = len(touched)
	s.forget(ctx, keysOf(touched), keysOf(users))
	return res, nil
}

func keysOf(m map[uuid.UUID]bool) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// claim takes up to n queued raw rows, oldest first, skipping rows another
// run holds.
func claim(ctx context.Context, tx pgx.Tx, n int) ([]rawEvent, error) {
	rows, err := tx.Query(ctx, `WITH claimed AS (
			DELETE FROM analytics.rollup_queue WHERE raw_id IN (
				SELECT raw_id FROM analytics.rollup_queue ORDER BY raw_id LIMIT $1 FOR UPDATE SKIP LOCKED)
			RETURNING raw_id)
		SELECT r.id, r.event_id, r.type, r.occurred_at, r.payload FROM analytics.raw_events r JOIN claimed c ON c.raw_id = r.id
		ORDER BY r.id`, n)
	if err != nil {
		return nil, fmt.Errorf("analytics: claim raw rows: %w", err)
	}
	return collectRaw(rows)
}

func collectRaw(rows pgx.Rows) ([]rawEvent, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rawEvent, error) {
		var e rawEvent
		err := r.Scan(&e.ID, &e.EventID, &e.Type, &e.OccurredAt, &e.Payload)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: raw rows: %w", err)
	}
	return out, nil
}

type chanKey struct {
	event   uuid.UUID
	channel string
}

type hourKey struct {
	event uuid.UUID
	hour  time.Time
}

type counts struct{ participants, views, storeVisits, optIns int64 }

// batch is a set of raw rows reduced to the changes they make.
type batch struct {
	events   map[uuid.UUID]*counts
	created  map[uuid.UUID]createdPayload
	ended    map[uuid.UUID]bool
	channels map[chanKey]*counts
	hours    map[hourKey]*counts
	posted   map[chanKey]posting
	metrics  map[chanKey]metricsPayload
}

// posting is a channel's end state in the latest DistributionCompleted.
type posting struct {
	status   string
	expected int64
}

func newBatch() *batch {
	return &batch{events: map[uuid.UUID]*counts{}, created: map[uuid.UUID]createdPayload{}, ended: map[uuid.UUID]bool{},
		channels: map[chanKey]*counts{}, hours: map[hourKey]*counts{}, metrics: map[chanKey]metricsPayload{},
		posted: map[chanKey]posting{}}
}

func (b *batch) event(id uuid.UUID) *counts {
	if b.events[id] == nil {
		b.events[id] = &counts{}
	}
	return b.events[id]
}

func (b *batch) channel(id uuid.UUID, ch string) *counts {
	k := chanKey{id, ch}
	if b.channels[k] == nil {
		b.channels[k] = &counts{}
	}
	return b.channels[k]
}

func (b *batch) hour(id uuid.UUID, t time.Time) *counts {
	k := hourKey{id, t.UTC().Truncate(time.Hour)}
	if b.hours[k] == nil {
		b.hours[k] = &counts{}
	}
	return b.hours[k]
}

// sourceOf names the channel_stats row an entry or a view is attributed
// to: one of the six channels, or the store's own QR code / a direct link.
func sourceOf(s string) string {
	if slices.Contains(event.Channels, s) || s == "STORE_QR" {
		return s
	}
	return "DIRECT"
}

// entry counts one entry at its time.
func (b *batch) entry(id uuid.UUID, p entryPayload, at time.Time) {
	visit, optIn := int64(0), int64(0)
	if p.StoreVisited {
		visit = 1
	}
	if p.AgreeMarketing {
		optIn = 1
	}
	for _, c := range []*counts{b.event(id), b.channel(id, sourceOf(p.Source)), b.hour(id, at)} {
		c.participants++
		c.storeVisits += visit
		c.optIns += optIn
	}
}

// add reduces one raw row; rows arrive in log order, so "latest" means
// the last one seen.
func (b *batch) add(e rawEvent) error {
	b.event(e.EventID)
	switch e.Type {
	case TypeEventCreated:
		var p createdPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		b.created[e.EventID] = p
	case TypeEventEnded:
		b.ended[e.EventID] = true
	case TypeParticipantRegistered:
		var p entryPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		b.entry(e.EventID, p, e.OccurredAt)
	case TypeParticipantsRegistered:
		var p entriesPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		for _, en := range p.Entries {
			b.entry(e.EventID, en, cmp.Or(en.OccurredAt, e.OccurredAt))
		}
	case TypeViewsCounted:
		var p viewsPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		for src, n := range p.Views {
			b.event(e.EventID).views += n
			b.channel(e.EventID, sourceOf(src)).views += n
			b.hour(e.EventID, e.OccurredAt).views += n
		}
	case TypeDistributionCompleted:
		var p distributedPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		for _, c := range p.DistributedChannels {
			b.posted[chanKey{e.EventID, c.Channel}] = posting{c.Status, c.ExpectedViews}
		}
	case TypeChannelMetrics:
		var p metricsPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		if p.CollectedAt.IsZero() {
			p.CollectedAt = e.OccurredAt
		}
		k := chanKey{e.EventID, p.Channel}
		if old, ok := b.metrics[k]; !ok || !p.CollectedAt.Before(old.CollectedAt) {
			b.metrics[k] = p
		}
	}
	return nil
}

// fold applies raw rows to the stats tables. Sums are added, "latest"
// facts replaced, so folding rows in log order in any number of batches
// gives the same tables as folding them all at once (analytics-rebuild
// relies on it). It returns the events and owners whose figures changed.
func (s *Service) fold(ctx context.Context, tx pgx.Tx, rows []rawEvent) ([]uuid.UUID, []uuid.UUID, error) {
	b := newBatch()
	for _, r := range rows {
		if err := b.add(r); err != nil {
			// A malformed payload is logged and skipped: it can never fold,
			// and holding up every later row would be worse.
			s.log.ErrorContext(ctx, "raw analytics row skipped: malformed payload", "rawId", r.ID, "type", r.Type, "error", err)
		}
	}
	now := s.now()
	ids := keysOf(boolSet(b.events))

	// Event rows exist before anything adds to them (an entry may be folded
	// before its event's EventCreated).
	if _, err := tx.Exec(ctx, `INSERT INTO analytics.event_stats (event_id, event_title, user_id, created_at, updated_at)
		SELECT id, '', '00000000-0000-0000-0000-000000000000', $2, $2 FROM unnest($1::uuid[]) id ON CONFLICT (event_id) DO NOTHING`, ids, now); err != nil {
		return nil, nil, fmt.Errorf("analytics: event rows: %w", err)
	}
	if len(b.created) > 0 {
		var cid, cuser []uuid.UUID
		var title, industry, objective, channels []string
		var budget []int64
		var start, end []*string
		for id, p := range b.created {
			cid, cuser, title, industry, objective, budget = append(cid, id), append(cuser, p.UserID), append(title, p.Title), append(industry, p.Industry), append(objective, p.Objective), append(budget, p.Budget)
			ch, _ := json.Marshal(p.Channels)
			channels = append(channels, string(ch))
			start, end = append(start, dateOrNil(p.StartDate)), append(end, dateOrNil(p.EndDate))
		}
		if _, err := tx.Exec(ctx, `UPDATE analytics.event_stats e SET event_title = left(u.title, 255), user_id = u.user_id, industry = left(u.industry, 50),
				objective = left(u.objective, 50), budget = u.budget, channels = ARRAY(SELECT jsonb_array_elements_text(u.channels::jsonb)),
				start_date = u.start_date::date, end_date = u.end_date::date, updated_at = $9
			FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $10::text[])
				AS u(event_id, user_id, title, industry, objective, budget, start_date, end_date, channels)
			WHERE e.event_id = u.event_id`, cid, cuser, title, industry, objective, budget, start, end, now, channels); err != nil {
			return nil, nil, fmt.Errorf("analytics: EventCreated: %w", err)
		}
	}
	{
		var eid []uuid.UUID
		var part, views, visits, optIns []int64
		var ended []bool
		for id, c := range b.events {
			eid, part, views, visits, optIns, ended = append(eid, id), append(part, c.participants), append(views, c.views), append(visits, c.storeVisits), append(optIns, c.optIns), append(ended, b.ended[id])
		}
		if _, err := tx.Exec(ctx, `UPDATE analytics.event_stats e SET total_participants = e.total_participants + u.p, total_views = e.total_views + u.v,
				store_visits = e.store_visits + u.s, marketing_opt_ins = e.marketing_opt_ins + u.o,
				status = CASE WHEN u.ended THEN 'ENDED' ELSE e.status END, updated_at = $7
			FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[]) AS u(event_id, p, v, s, o, ended)
			WHERE e.event_id = u.event_id`, eid, part, views, visits, optIns, ended, now); err != nil {
			return nil, nil, fmt.Errorf("analytics: event counts: %w", err)
		}
	}
	if err := applyChannels(ctx, tx, b, now); err != nil {
		return nil, nil, err
	}
	if err := applyHours(ctx, tx, b, ids, now); err != nil {
		return nil, nil, err
	}
	users, err := s.refreshROI(ctx, tx, ids, now)
	return ids, users, err
}

func boolSet[V any](m map[uuid.UUID]V) map[uuid.UUID]bool {
	out := make(map[uuid.UUID]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func dateOrNil(s string) *string {
	if _, err := event.ParseDate(s); err != nil {
		return nil
	}
	return &s
}

// applyChannels adds the attributed counts and replaces the fan-out's and
// the channels' own latest figures.
func applyChannels(ctx context.Context, tx pgx.Tx, b *batch, now time.Time) error {
	if len(b.channels) > 0 {
		var eid []uuid.UUID
		var name, typ []string
		var views, part, conv []int64
		for k, c := range b.channels {
			eid, name, typ = append(eid, k.event), append(name, k.channel), append(typ, ChannelType(k.channel))
			views, part, conv = append(views, c.views), append(part, c.participants), append(conv, c.storeVisits)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO analytics.channel_stats AS c (event_id, channel_name, channel_type, views, clicks, participants, conversions, created_at, updated_at)
			SELECT u.event_id, u.name, u.typ, u.v, u.v, u.p, u.c, $7, $7
			FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(event_id, name, typ, v, p, c)
			ON CONFLICT (event_id, channel_name) DO UPDATE SET views = c.views + EXCLUDED.views, clicks = c.clicks + EXCLUDED.clicks,
				participants = c.participants + EXCLUDED.participants, conversions = c.conversions + EXCLUDED.conversions, updated_at = $7`,
			eid, name, typ, views, part, conv, now); err != nil {
			return fmt.Errorf("analytics: channel counts: %w", err)
		}
	}
	if len(b.posted) > 0 {
		var eid []uuid.UUID
		var name, typ, status []string
		var expected, cost []int64
		for k, p := range b.posted {
			c := int64(0)
			if p.status == "SUCCESS" {
				c = ChannelCost(k.channel)
			}
			eid, name, typ, status, expected, cost = append(eid, k.event), append(name, k.channel), append(typ, ChannelType(k.channel)), append(status, p.status), append(expected, p.expected), append(cost, c)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO analytics.channel_stats AS c (event_id, channel_name, channel_type, distribution_status, estimated_views, distribution_cost, created_at, updated_at)
			SELECT u.event_id, u.name, u.typ, u.status, u.expected, u.cost, $7, $7
			FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS u(event_id, name, typ, status, expected, cost)
			ON CONFLICT (event_id, channel_name) DO UPDATE SET distribution_status = EXCLUDED.distribution_status,
				estimated_views = EXCLUDED.estimated_views, distribution_cost = EXCLUDED.distribution_cost, updated_at = $7`,
			eid, name, typ, status, expected, cost, now); err != nil {
			return fmt.Errorf("analytics: distribution results: %w", err)
		}
	}
	if len(b.metrics) > 0 {
		var eid []uuid.UUID
		var name, typ []string
		var impr, likes, comments, shares, calls, completed, duration []int64
		var at []time.Time
		for k, m := range b.metrics {
			eid, name, typ = append(eid, k.event), append(name, k.channel), append(typ, ChannelType(k.channel))
			impr, likes, comments, shares = append(impr, max(m.Impressions, m.Views)), append(likes, m.Likes), append(comments, m.Comments), append(shares, m.Shares)
			calls, completed, duration = append(calls, m.TotalCalls), append(completed, min(m.CompletedCalls, m.TotalCalls)), append(duration, int64(m.AverageDuration+0.5))
			at = append(at, m.CollectedAt)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO analytics.channel_stats AS c (event_id, channel_name, channel_type, impressions, likes, comments, shares,
				total_calls, completed_calls, average_duration, metrics_at, created_at, updated_at)
			SELECT u.event_id, u.name, u.typ, u.impr, u.likes, u.comments, u.shares, u.calls, u.completed, u.duration, u.at, $12, $12
			FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::timestamptz[])
				AS u(event_id, name, typ, impr, likes, comments, shares, calls, completed, duration, at)
			ON CONFLICT (event_id, channel_name) DO UPDATE SET impressions = EXCLUDED.impressions, likes = EXCLUDED.likes, comments = EXCLUDED.comments,
				shares = EXCLUDED.shares, total_calls = EXCLUDED.total_calls, completed_calls = EXCLUDED.completed_calls,
				average_duration = EXCLUDED.average_duration, metrics_at = EXCLUDED.metrics_at, updated_at = $12
			WHERE c.metrics_at IS NULL OR c.metrics_at <= EXCLUDED.metrics_at`,
			eid, name, typ, impr, likes, comments, shares, calls, completed, duration, at, now); err != nil {
			return fmt.Errorf("analytics: channel metrics: %w", err)
		}
	}
	return nil
}

// applyHours adds the hourly counts and recomputes the running total of the
// touched events (their hours only: bounded by the events' length, not by
// history).
func applyHours(ctx context.Context, tx pgx.Tx, b *batch, ids []uuid.UUID, now time.Time) error {
	if len(b.hours) == 0 {
		return nil
	}
	var eid []uuid.UUID
	var ts []time.Time
	var part, views, eng, conv []int64
	for k, c := range b.hours {
		eid, ts = append(eid, k.event), append(ts, k.hour)
		part, views, eng, conv = append(part, c.participants), append(views, c.views), append(eng, c.optIns), append(conv, c.storeVisits)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO analytics.timeline_data AS t (event_id, "timestamp", participants, views, engagement, conversions, created_at, updated_at)
		SELECT u.event_id, u.ts, u.p, u.v, u.e, u.c, $7, $7
		FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(event_id, ts, p, v, e, c)
		ON CONFLICT (event_id, "timestamp") DO UPDATE SET participants = t.participants + EXCLUDED.participants, views = t.views + EXCLUDED.views,
			engagement = t.engagement + EXCLUDED.engagement, conversions = t.conversions + EXCLUDED.conversions, updated_at = $7`,
		eid, ts, part, views, eng, conv, now); err != nil {
		return fmt.Errorf("analytics: timeline: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE analytics.timeline_data t SET cumulative_participants = c.cum
		FROM (SELECT id, sum(participants) OVER (PARTITION BY event_id ORDER BY "timestamp") AS cum
			FROM analytics.timeline_data WHERE event_id = ANY($1)) c
		WHERE t.id = c.id AND t.cumulative_participants IS DISTINCT FROM c.cum`, ids); err != nil {
		return fmt.Errorf("analytics: cumulative participants: %w", err)
	}
	return nil
}

// refreshROI recomputes the estimates of the touched events from their
// current figures and returns their owners.
func (s *Service) refreshROI(ctx context.Context, tx pgx.Tx, ids []uuid.UUID, now time.Time) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `SELECT e.event_id, e.user_id, e.industry, e.objective, e.budget, e.channels, e.total_participants, e.store_visits,
			e.total_views, e.start_date, e.end_date,
			coalesce((SELECT array_agg(c.channel_name) FROM analytics.channel_stats c WHERE c.event_id = e.event_id AND c.distribution_status = 'SUCCESS'), '{}')
		FROM analytics.event_stats e WHERE e.event_id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("analytics: stats for ROI: %w", err)
	}
	var eid []uuid.UUID
	var users []uuid.UUID
	var roi, target, growth, invest, revenue []float64
	for rows.Next() {
		var id, user uuid.UUID
		var in ROIInput
		var start, end *time.Time
		if err := rows.Scan(&id, &user, &in.Industry, &in.Objective, &in.Budget, &in.Channels, &in.Participants, &in.StoreVisits, &in.Views,
			&start, &end, &in.PostedChannels); err != nil {
			rows.Close()
			return nil, fmt.Errorf("analytics: stats for ROI: %w", err)
		}
		if start != nil && end != nil {
			in.EventDays = int(end.Sub(*start).Hours()/24) + 1
		}
		r := Estimate(in)
		eid, users = append(eid, id), append(users, user)
		roi, target, growth, invest, revenue = append(roi, r.ROI), append(target, r.TargetROI), append(growth, r.SalesGrowthRate), append(invest, r.Investment.Total), append(revenue, r.Revenue.Total)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE analytics.event_stats e SET estimated_roi = u.roi, target_roi = u.target, sales_growth_rate = u.growth,
			total_investment = u.invest, expected_revenue = u.revenue, last_rolled_up_at = $7, updated_at = $7
		FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[]) AS u(event_id, roi, target, growth, invest, revenue)
		WHERE e.event_id = u.event_id`, eid, roi, target, growth, invest, revenue, now); err != nil {
		return nil, fmt.Errorf("analytics: ROI: %w", err)
	}
	return users, nil
}

// Page views wait in Redis (event.ViewsKey, one hash per event) until a
// rollup takes them: the hash is renamed to a folding key tagged with a
// token, recorded as a ViewsCounted raw row whose message id is the token,
// then deleted. A run that dies half way leaves the folding key, which the
// next run records under the same token: counted once either way.
var takeViewsScript = goredis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[2], '_token', ARGV[1])
end
return redis.call('HGETALL', KEYS[2])`)

var dropFoldedScript = goredis.NewScript(`
if redis.call('HGET', KEYS[1], '_token') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// takeViews turns the page views counted for live (or just-ended) events
// into raw rows.
func (s *Service) takeViews(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT event_id FROM analytics.event_stats WHERE status = 'ACTIVE' OR updated_at > $1
		UNION SELECT r.event_id FROM analytics.rollup_queue q JOIN analytics.raw_events r ON r.id = q.raw_id WHERE r.type = 'EventCreated'`, now.Add(-48*time.Hour))
	if err != nil {
		return 0, fmt.Errorf("analytics: live events: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return 0, fmt.Errorf("analytics: live events: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	// Pipelined EVALSHA cannot fall back to EVAL: load the script first.
	if err := takeViewsScript.Load(ctx, s.rdb).Err(); err != nil {
		return 0, fmt.Errorf("analytics: load the page-view script: %w", err)
	}
	taken := 0
	for chunk := range slices.Chunk(ids, 200) {
		pipe := s.rdb.Pipeline()
		cmds := make([]*goredis.Cmd, len(chunk))
		tokens := make([]string, len(chunk))
		for i, id := range chunk {
			tokens[i] = "views-" + id.String() + "-" + uuid.NewString()[:13]
			cmds[i] = takeViewsScript.Run(ctx, pipe, []string{event.ViewsKey(s.cfg.KeyPrefix, id), s.foldingKey(id)}, tokens[i])
		}
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, goredis.Nil) {
			return taken, fmt.Errorf("analytics: take page views: %w", err)
		}
		for i, id := range chunk {
			pairs, err := cmds[i].StringSlice()
			if err != nil || len(pairs) == 0 {
				continue
			}
			token, views := "", map[string]int64{}
			for j := 0; j+1 < len(pairs); j += 2 {
				if pairs[j] == "_token" {
					token = pairs[j+1]
					continue
				}
				if n, err := strconv.ParseInt(pairs[j+1], 10, 64); err == nil && n > 0 {
					views[pairs[j]] += n
				}
			}
			body, _ := json.Marshal(map[string]any{"type": TypeViewsCounted, "eventId": id, "views": views, "occurredAt": now})
			if _, err := s.Ingest(ctx, token, TypeViewsCounted, body); err != nil {
				return taken, err // the folding key stays; the next run records it
			}
			if err := dropFoldedScript.Run(ctx, s.rdb, []string{s.foldingKey(id)}, token).Err(); err != nil && !errors.Is(err, goredis.Nil) {
				s.log.WarnContext(ctx, "folded page views not cleared; the next run records them under the same id", "eventId", id, "error", err)
			}
			taken++
		}
	}
	return taken, nil
}

// foldingKey sits beside the event's page-view hash, in its slot. The
// events domain writes that hash under the same key prefix as this one.
func (s *Service) foldingKey(id uuid.UUID) string {
	return event.ViewsKey(s.cfg.KeyPrefix, id) + ":folding"
}

// Rebuild recomputes one event's stats from its whole raw log, in one
// transaction: the event's rows leave the rollup queue, its stats are
// deleted and every raw row is folded again in log order, exactly as the
// incremental rollup folds them.
func (s *Service) Rebuild(ctx context.Context, eventID uuid.UUID) (int, error) {
	total := 0
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		total = 0
		if _, err := tx.Exec(ctx, `DELETE FROM analytics.rollup_queue q USING analytics.raw_events r WHERE r.id = q.raw_id AND r.event_id = $1`, eventID); err != nil {
			return fmt.Errorf("analytics: rebuild %s: unqueue: %w", eventID, err)
		}
		for _, table := range []string{"event_stats", "channel_stats", "timeline_data"} {
			if _, err := tx.Exec(ctx, `DELETE FROM analytics.`+table+` WHERE event_id = $1`, eventID); err != nil {
				return fmt.Errorf("analytics: rebuild %s: clear %s: %w", eventID, table, err)
			}
		}
		after := int64(0)
		for {
			rows, err := tx.Query(ctx, `SELECT id, event_id, type, occurred_at, payload FROM analytics.raw_events
				WHERE event_id = $1 AND id > $2 ORDER BY id LIMIT $3`, eventID, after, s.cfg.BatchSize)
			if err != nil {
				return fmt.Errorf("analytics: rebuild %s: %w", eventID, err)
			}
			batch, err := collectRaw(rows)
			if err != nil || len(batch) == 0 {
				return err
			}
			if _, _, err := s.fold(ctx, tx, batch); err != nil {
				return err
			}
			total += len(batch)
			after = batch[len(batch)-1].ID
		}
	})
	if err != nil {
		return 0, err
	}
	var owner uuid.UUID
	_ = s.db.QueryRow(ctx, `SELECT user_id FROM analytics.event_stats WHERE event_id = $1`, eventID).Scan(&owner)
	s.forget(ctx, []uuid.UUID{eventID}, []uuid.UUID{owner})
	s.log.InfoContext(ctx, "analytics rebuilt from the raw log", "eventId", eventID, "rawRows", total)
	return total, nil
}
