package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/analytics"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
)

// analyticsMessages waits until the outbox has sent at least n messages to
// analytics-events (entries go out through the batched background sender)
// and returns them.
func analyticsMessages(t *testing.T, f fixture, n int) []queue.Entry {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := f.outbox.Relay(context.Background(), 100); err != nil {
			t.Fatal(err)
		}
		msgs := streamMessages(t, f, queue.AnalyticsEvents)
		if len(msgs) >= n || time.Now().After(deadline) {
			if len(msgs) < n {
				t.Fatalf("%d analytics messages, want %d", len(msgs), n)
			}
			return msgs
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// statsSnapshot is every figure the rollup wrote for an event, without
// bookkeeping columns, for exact comparison.
func statsSnapshot(t *testing.T, f fixture, id string) string {
	t.Helper()
	var out string
	err := f.db.QueryRow(context.Background(), `SELECT json_build_object(
		'event', (SELECT to_jsonb(e) - 'id' - 'created_at' - 'updated_at' - 'last_rolled_up_at' FROM analytics.event_stats e WHERE event_id = $1),
		'channels', (SELECT jsonb_agg(to_jsonb(c) - 'id' - 'created_at' - 'updated_at' ORDER BY channel_name) FROM analytics.channel_stats c WHERE event_id = $1),
		'timeline', (SELECT jsonb_agg(to_jsonb(t) - 'id' - 'created_at' - 'updated_at' ORDER BY "timestamp") FROM analytics.timeline_data t WHERE event_id = $1)
	)::text`, id).Scan(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAnalyticsEndToEnd(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "stats@example.com", "010-5200-0001")
	other := register(t, f, "stats2@example.com", "010-5200-0002")
	id := publishedEverywhere(t, f, acct)
	newDistJobs(f).runAll(t)
	f.clock.Advance(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Sub(f.clock.Now())) // within the event's dates
	_, out := login(t, f, "stats@example.com", goodPassword)                          // the first token expired meanwhile
	acct.access = out["accessToken"].(string)
	_, out = login(t, f, "stats2@example.com", goodPassword)
	other.access = out["accessToken"].(string)

	// Known traffic: 6 page views (the entry page's beacons; reading the
	// page counts nothing) and 4 entries, attributed by channel.
	for _, ch := range []string{"INSTAGRAM", "INSTAGRAM", "INSTAGRAM", "KAKAO", "KAKAO", ""} {
		if rec := do(t, f.srv, "GET", "/api/v1/public/events/"+id+"?ch="+ch, nil); rec.Code != 200 {
			t.Fatalf("public page: %d", rec.Code)
		}
		if rec := beacon(t, f, id, ch); rec.Code != 204 {
			t.Fatalf("view beacon: %d %s", rec.Code, rec.Body)
		}
	}
	for i, e := range []map[string]any{
		{"name": "김하나", "phoneNumber": "010-7000-0001", "agreePrivacy": true, "source": "INSTAGRAM", "visitCode": visitCodeToday(t, f, acct, id)},
		{"name": "이두울", "phoneNumber": "010-7000-0002", "agreePrivacy": true, "source": "INSTAGRAM", "agreeMarketing": true},
		{"name": "박세엣", "phoneNumber": "010-7000-0003", "agreePrivacy": true, "source": "KAKAO"},
		{"name": "최네엣", "phoneNumber": "010-7000-0004", "agreePrivacy": true},
	} {
		if rec, _ := submit(t, f, id, e); rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	// EventCreated + 4 entries + DistributionCompleted, each delivered three times.
	msgs := analyticsMessages(t, f, 6)
	for delivery := 1; delivery <= 3; delivery++ {
		for _, m := range msgs {
			if rec := deliver(t, f, "AnalyticsIngest", m, delivery); rec.Code != 200 {
				t.Fatalf("AnalyticsIngest %s: %d %s", m.Subject, rec.Code, rec.Body)
			}
		}
	}
	var raw int
	_ = f.db.QueryRow(context.Background(), `SELECT count(*) FROM analytics.raw_events WHERE event_id = $1`, id).Scan(&raw)
	if raw != len(msgs) {
		t.Fatalf("%d raw rows from %d messages delivered 3 times", raw, len(msgs))
	}
	fireTimer(t, f, "StatsRollup")

	rec, dash := call(t, f.srv, "GET", "/api/v1/events/"+id+"/analytics", acct.access, nil)
	if rec.Code != 200 {
		t.Fatalf("dashboard: %d %s", rec.Code, rec.Body)
	}
	summary := dash["summary"].(map[string]any)
	if summary["participants"] != 4.0 || summary["totalViews"] != 6.0 {
		t.Fatalf("summary: %v", summary)
	}
	perChannel := map[string]map[string]any{}
	for _, c := range dash["channelPerformance"].([]any) {
		m := c.(map[string]any)
		perChannel[m["channel"].(string)] = m
	}
	for _, tc := range []struct {
		channel                        string
		views, participants, converted float64
	}{
		{"INSTAGRAM", 3, 2, 1},
		{"KAKAO", 2, 1, 0},
		{"DIRECT", 1, 1, 0},
		{"RINGOBIZ", 0, 0, 0},
	} {
		got := perChannel[tc.channel]
		if got == nil || got["views"] != tc.views || got["participants"] != tc.participants || got["conversions"] != tc.converted {
			t.Errorf("%s: %v, want views %v participants %v conversions %v", tc.channel, got, tc.views, tc.participants, tc.converted)
		}
	}
	if perChannel["RINGOBIZ"]["distributionStatus"] != "SUCCESS" {
		t.Errorf("RINGOBIZ distribution status: %v", perChannel["RINGOBIZ"])
	}

	rec, tl := call(t, f.srv, "GET", "/api/v1/events/"+id+"/analytics/timeline?granularity=hourly", acct.access, nil)
	if rec.Code != 200 {
		t.Fatalf("timeline: %d %s", rec.Code, rec.Body)
	}
	points := tl["points"].([]any)
	if len(points) != 1 {
		t.Fatalf("timeline points: %v", points)
	}
	p := points[0].(map[string]any)
	if p["participants"] != 4.0 || p["views"] != 6.0 || p["conversions"] != 1.0 || p["engagement"] != 1.0 || p["cumulativeParticipants"] != 4.0 {
		t.Errorf("timeline point: %v", p)
	}
	if ts, _ := time.Parse(time.RFC3339, p["timestamp"].(string)); !ts.Equal(f.clock.Now().Truncate(time.Hour)) {
		t.Errorf("timeline hour %v, want %v", p["timestamp"], f.clock.Now().Truncate(time.Hour))
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/analytics", other.access, nil)
	wantProblem(t, rec, 403, "EVENT_003")

	// Everything delivered again and rolled up again: nothing changes.
	incremental := statsSnapshot(t, f, id)
	for _, m := range msgs {
		deliver(t, f, "AnalyticsIngest", m, 4)
	}
	fireTimer(t, f, "StatsRollup")
	if got := statsSnapshot(t, f, id); got != incremental {
		t.Fatalf("redelivery changed the stats:\n%s\nwant\n%s", got, incremental)
	}
	// The rebuild from the raw log gives the same numbers.
	if _, err := f.stats.Rebuild(context.Background(), uuid.MustParse(id)); err != nil {
		t.Fatal(err)
	}
	if got := statsSnapshot(t, f, id); got != incremental {
		t.Fatalf("rebuild differs from the incremental rollup:\n%s\nwant\n%s", got, incremental)
	}

	// The other reports, and their refusals.
	rec, chans := call(t, f.srv, "GET", "/api/v1/events/"+id+"/analytics/channels?sortBy=participants&sortOrder=desc", acct.access, nil)
	if rec.Code != 200 {
		t.Fatalf("channels: %d %s", rec.Code, rec.Body)
	}
	if first := chans["channels"].([]any)[0].(map[string]any); first["channel"] != "INSTAGRAM" {
		t.Errorf("channels sorted by participants: first %v", first["channel"])
	}
	rec, roi := call(t, f.srv, "GET", "/api/v1/events/"+id+"/analytics/roi", acct.access, nil)
	if rec.Code != 200 || roi["figures"] == nil {
		t.Fatalf("roi: %d %s", rec.Code, rec.Body)
	}
	rec, mine := call(t, f.srv, "GET", "/api/v1/users/"+acct.userID+"/analytics", acct.access, nil)
	if rec.Code != 200 || mine["summary"].(map[string]any)["participants"] != 4.0 {
		t.Fatalf("user analytics: %d %s", rec.Code, rec.Body)
	}
	for _, tc := range []struct {
		name, path, token string
		status            int
		code              string
	}{
		{"unknown granularity", "/api/v1/events/" + id + "/analytics/timeline?granularity=weekly", acct.access, 400, "VALIDATION_001"},
		{"end before start", "/api/v1/events/" + id + "/analytics/timeline?startDate=2026-11-26&endDate=2026-11-25", acct.access, 400, "VALIDATION_001"},
		{"unknown sort", "/api/v1/events/" + id + "/analytics/channels?sortBy=mood", acct.access, 400, "VALIDATION_001"},
		{"someone else's figures", "/api/v1/users/" + acct.userID + "/analytics/roi", other.access, 403, "AUTH_006"},
		{"no rollup yet", "/api/v1/events/" + draftWithPlan(t, f, acct) + "/analytics", acct.access, 404, "ANALYTICS_001"},
	} {
		rec, _ := call(t, f.srv, "GET", tc.path, tc.token, nil)
		wantProblem(t, rec, tc.status, tc.code)
	}
}

func TestAnalyticsPoisonMessages(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	for _, tc := range []struct{ name, subject, body string }{
		{"not json", "EventCreated", `not json`},
		{"unknown type", "Mystery", `{"type":"Mystery","eventId":"` + uuid.NewString() + `"}`},
		{"no event", "EventEnded", `{"type":"EventEnded"}`},
	} {
		e := queue.Entry{Message: queue.Message{ID: "poison-" + tc.name, Subject: tc.subject, Body: json.RawMessage(tc.body)}}
		if rec := deliver(t, f, "AnalyticsIngest", e, 1); rec.Code != 200 {
			t.Errorf("%s: %d (poison must be acknowledged)", tc.name, rec.Code)
		}
	}
	var poison int
	_ = f.db.QueryRow(context.Background(), `SELECT count(*) FROM outbox.poison_messages WHERE consumer = 'AnalyticsIngest'`).Scan(&poison)
	if poison != 3 {
		t.Fatalf("%d poison messages recorded, want 3", poison)
	}
}

// TestConcurrentRollupsEqualOne folds the same raw log with two rollups
// running at once (small batches so they really interleave) and compares
// with one rebuild.
func TestConcurrentRollupsEqualOne(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	ctx := context.Background()
	id := uuid.New()
	owner := uuid.New()
	created := fmt.Sprintf(`{"type":"EventCreated","eventId":%q,"userId":%q,"title":"동시 롤업","industry":"카페","objective":"REVISIT","budget":1000000,"channels":["INSTAGRAM","KAKAO"],"startDate":"2026-11-20","endDate":"2026-11-30","occurredAt":"2026-11-20T00:00:00Z"}`, id, owner)
	if _, err := f.stats.Ingest(ctx, "created-"+id.String(), "EventCreated", []byte(created)); err != nil {
		t.Fatal(err)
	}
	const entries = 3000
	sources := []string{"INSTAGRAM", "KAKAO", "STORE_QR", ""}
	for i := range entries {
		at := time.Date(2026, 11, 20, i%48, i%60, 0, 0, time.UTC)
		body := fmt.Sprintf(`{"type":"ParticipantRegistered","eventId":%q,"participantId":"p-%d","storeVisited":%t,"agreeMarketing":%t,"source":%q,"occurredAt":%q}`,
			id, i, i%3 == 0, i%5 == 0, sources[i%4], at.Format(time.RFC3339))
		if _, err := f.stats.Ingest(ctx, fmt.Sprintf("entry-%s-%d", id, i), "ParticipantRegistered", []byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	small := analytics.NewService(f.db, f.rdb, nil, testenv.Logger(t), analytics.Config{BatchSize: 100, KeyPrefix: f.prefix}, f.clock.Now)
	var wg sync.WaitGroup
	results := make([]analytics.RollupResult, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := small.Rollup(ctx)
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if got := results[0].Raw + results[1].Raw; got != entries+1 {
		t.Fatalf("the two rollups folded %d raw rows (%+v), want %d", got, results, entries+1)
	}
	var participants, visits int
	var cumulative int
	if err := f.db.QueryRow(ctx, `SELECT total_participants, store_visits, (SELECT max(cumulative_participants) FROM analytics.timeline_data WHERE event_id = $1)
		FROM analytics.event_stats WHERE event_id = $1`, id).Scan(&participants, &visits, &cumulative); err != nil {
		t.Fatal(err)
	}
	if participants != entries || visits != entries/3 || cumulative != entries {
		t.Fatalf("participants %d, store visits %d, cumulative %d; want %d, %d, %d", participants, visits, cumulative, entries, entries/3, entries)
	}
	incremental := statsSnapshot(t, f, id.String())
	if _, err := f.stats.Rebuild(ctx, id); err != nil {
		t.Fatal(err)
	}
	if got := statsSnapshot(t, f, id.String()); !reflect.DeepEqual(got, incremental) {
		t.Fatalf("rebuild differs:\n%s\nwant\n%s", got, incremental)
	}
}

// An entry counts the same whether it came alone (ParticipantRegistered,
// as earlier releases sent it) or in a group commit's list
// (ParticipantsRegistered): the same event, channel and hourly figures,
// each listed entry in the hour of its own time.
func TestEntryListsFoldLikeSingleEntries(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	ctx := context.Background()
	single, listed, owner := uuid.New(), uuid.New(), uuid.New()
	ingest := func(id, typ string, body any) {
		t.Helper()
		b, _ := json.Marshal(body)
		if _, err := f.stats.Ingest(ctx, id, typ, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []uuid.UUID{single, listed} {
		ingest("created-"+id.String(), "EventCreated", map[string]any{"type": "EventCreated", "eventId": id, "userId": owner, "title": "묶음",
			"objective": "REVISIT", "budget": 1000000, "channels": []string{"INSTAGRAM"}, "startDate": "2026-11-20", "endDate": "2026-11-30",
			"occurredAt": "2026-11-20T00:00:00Z"})
	}
	const entries = 200
	sources := []string{"INSTAGRAM", "KAKAO", "STORE_QR", ""}
	var list []map[string]any
	for i := range entries {
		e := map[string]any{"participantId": fmt.Sprintf("p-%d", i), "storeVisited": i%3 == 0, "agreeMarketing": i%5 == 0,
			"bonusEntries": 1, "channel": "WEB", "source": sources[i%4], "occurredAt": time.Date(2026, 11, 20, i%30, i%60, 0, 0, time.UTC)}
		one := maps.Clone(e)
		one["type"], one["eventId"] = "ParticipantRegistered", single
		ingest(fmt.Sprintf("entry-%s-%d", single, i), "ParticipantRegistered", one)
		if list = append(list, e); len(list) == 7 || i == entries-1 {
			ingest(fmt.Sprintf("participants-%s-%s", listed, list[0]["participantId"]), participation.TypeParticipantsRegistered,
				map[string]any{"type": participation.TypeParticipantsRegistered, "eventId": listed, "occurredAt": list[0]["occurredAt"], "entries": list})
			list = nil
		}
	}
	if _, err := f.stats.Rollup(ctx); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(statsSnapshot(t, f, listed.String()), listed.String(), "ID")
	want := strings.ReplaceAll(statsSnapshot(t, f, single.String()), single.String(), "ID")
	if got != want || !strings.Contains(want, fmt.Sprintf(`"total_participants": %d`, entries)) {
		t.Fatalf("listed entries fold to\n%s\nsingle entries to\n%s", got, want)
	}
}
