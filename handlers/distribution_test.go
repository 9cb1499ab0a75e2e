package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/queue"
)

var allChannels = map[string]any{
	"channels": distribution.Channels,
	"settings": map[string]any{
		"URIDONGNETV": map[string]any{"radius": "1km", "timeSlot": "evening"},
		"GINITV":      map[string]any{"timeSlot": "evening"},
		"RINGOBIZ":    map[string]any{"phoneNumber": storeLine},
	},
}

// publishedEverywhere publishes an event to all six channels.
func publishedEverywhere(t *testing.T, f fixture, acct account) string {
	t.Helper()
	return publishedOn(t, f, acct, allChannels)
}

// distJobs is the local broker's distribution queue, scheduled messages
// included (the test decides when they are due).
type distJobs struct {
	f     fixture
	queue string
	seen  map[string]bool
}

func newDistJobs(f fixture) *distJobs { return newQueueJobs(f, queue.DistributionJobs) }

// newQueueJobs hands out the messages of any queue, scheduled ones included.
func newQueueJobs(f fixture, name string) *distJobs {
	return &distJobs{f: f, queue: name, seen: map[string]bool{}}
}

// next returns the messages not handed out yet.
func (q *distJobs) next(t *testing.T) []queue.Entry {
	t.Helper()
	ctx := context.Background()
	b := q.f.broker
	scheduled, err := q.f.rdb.ZRange(ctx, b.ScheduledKey(q.queue), 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	var out []queue.Entry
	for _, member := range scheduled {
		var pairs []any
		if err := json.Unmarshal([]byte(member), &pairs); err != nil {
			t.Fatal(err)
		}
		fields := map[string]any{}
		for i := 0; i+1 < len(pairs); i += 2 {
			fields[pairs[i].(string)] = pairs[i+1]
		}
		e, err := queue.DecodeFields(fields)
		if err != nil {
			t.Fatal(err)
		}
		q.f.rdb.ZRem(ctx, b.ScheduledKey(q.queue), member)
		if !q.seen[e.ID] {
			q.seen[e.ID] = true
			out = append(out, e)
		}
	}
	for _, e := range streamMessages(t, q.f, q.queue) {
		if !q.seen[e.ID] {
			q.seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

// only returns the one new message for channel, failing otherwise.
func (q *distJobs) only(t *testing.T, channel string) queue.Entry {
	t.Helper()
	var got []queue.Entry
	for _, e := range q.next(t) {
		var job event.DistributeChannel
		_ = json.Unmarshal(e.Body, &job)
		if job.Channel == channel {
			got = append(got, e)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d new %s jobs, want 1", len(got), channel)
	}
	return got[0]
}

// runAll delivers every job, follow-ups included, until none is left.
func (q *distJobs) runAll(t *testing.T) {
	t.Helper()
	for range 50 {
		jobs := q.next(t)
		if len(jobs) == 0 {
			return
		}
		for _, e := range jobs {
			if rec := deliver(t, q.f, "ChannelDistribute", e, 1); rec.Code != 200 {
				t.Fatalf("ChannelDistribute %s: %d %s", e.ID, rec.Code, rec.Body)
			}
		}
	}
	t.Fatal("distribution jobs keep coming")
}

func distStatus(t *testing.T, f fixture, acct account, id string) distribution.Status {
	t.Helper()
	rec := do(t, f.srv, "GET", "/api/v1/distribution/"+id+"/status", nil, "Authorization", "Bearer "+acct.access)
	if rec.Code != 200 {
		t.Fatalf("status: %d %s", rec.Code, rec.Body)
	}
	var st distribution.Status
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func channelOf(st distribution.Status, ch string) distribution.ChannelStatus {
	for _, c := range st.Channels {
		if c.Channel == ch {
			return c
		}
	}
	return distribution.ChannelStatus{}
}

// completions are the DistributionCompleted messages sent to analytics.
func completions(t *testing.T, f fixture) []distribution.DistributionCompleted {
	t.Helper()
	var out []distribution.DistributionCompleted
	for _, e := range streamMessages(t, f, queue.AnalyticsEvents) {
		if e.Subject == distribution.TypeDistributionCompleted {
			var m distribution.DistributionCompleted
			if err := json.Unmarshal(e.Body, &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
	}
	return out
}

// attemptOutcomes lists a channel's logged attempts, oldest first.
func attemptOutcomes(t *testing.T, f fixture, id, channel string) []string {
	t.Helper()
	log, err := f.dist.Attempts(context.Background(), uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range log {
		if a.Channel == channel {
			out = append(out, a.Outcome)
		}
	}
	return out
}

// remoteAttempts counts the attempts a channel's fake server saw: the first
// call of each attempt (Instagram checks its publishing limit first; the
// other remotes get one POST per attempt).
func remoteAttempts(f fixture, channel string) int {
	n := 0
	for _, c := range f.sim.Calls(channel) {
		if (channel == distribution.Instagram && strings.HasSuffix(c.Path, "/content_publishing_limit")) ||
			(channel != distribution.Instagram && c.Method == http.MethodPost) {
			n++
		}
	}
	return n
}

func TestDistributionAllChannels(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "dist-all@example.com", "010-5100-0001")
	id := publishedEverywhere(t, f, acct)

	// Before any job ran: every channel PENDING.
	st := distStatus(t, f, acct, id)
	if st.OverallStatus != "IN_PROGRESS" || len(st.Channels) != 6 || st.Channels[0].Status != "PENDING" {
		t.Fatalf("before: %+v", st)
	}
	q := newDistJobs(f)
	q.runAll(t)

	st = distStatus(t, f, acct, id)
	if st.OverallStatus != "COMPLETED" || st.CompletedAt == nil || len(st.Channels) != 6 {
		t.Fatalf("after: %+v", st)
	}
	for _, c := range st.Channels {
		if c.Status != "SUCCESS" || c.Progress != 100 || c.DistributionID == "" || c.Retries != 0 || c.Attempts != 1 {
			t.Errorf("%s: %+v", c.Channel, c)
		}
		if c.Channel != distribution.RingoBiz && c.PostURL == "" {
			t.Errorf("%s has no post URL", c.Channel)
		}
	}
	for _, ch := range []string{distribution.Instagram, distribution.Kakao, distribution.UriDongneTV, distribution.GiniTV, distribution.RingoBiz} {
		if got := f.sim.Posts(ch); got != 1 {
			t.Errorf("%s: %d posts on the remote, want 1", ch, got)
		}
		if got, want := attemptOutcomes(t, f, id, ch), []string{"SUCCESS"}; !slices.Equal(got, want) {
			t.Errorf("%s attempt log %v, want %v", ch, got, want)
		}
		if got := remoteAttempts(f, ch); got != 1 {
			t.Errorf("%s: the remote saw %d attempts, the log 1", ch, got)
		}
	}
	// NAVER's share kit is a real page in Blob.
	resp, err := http.Get(channelOf(st, distribution.Naver).PostURL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("share kit: %v %v", err, resp)
	}
	resp.Body.Close()
	done := completions(t, f)
	if len(done) != 1 || done[0].OverallStatus != "COMPLETED" || len(done[0].DistributedChannels) != 6 || done[0].EventID.String() != id {
		t.Fatalf("DistributionCompleted: %+v", done)
	}
	if done[0].DistributedChannels[1].Channel != "RINGOBIZ" || done[0].DistributedChannels[1].ChannelType != "CALL" {
		t.Errorf("channel order or type: %+v", done[0].DistributedChannels)
	}

	// Delivered again after SUCCESS: acknowledged, nothing posted twice.
	calls := len(f.sim.Calls(distribution.UriDongneTV))
	first := streamMessages(t, f, queue.DistributionJobs)[0]
	for delivery := 2; delivery <= 3; delivery++ {
		if rec := deliver(t, f, "ChannelDistribute", first, delivery); rec.Code != 200 {
			t.Fatalf("redelivery: %d %s", rec.Code, rec.Body)
		}
	}
	if got := len(f.sim.Calls(distribution.UriDongneTV)); got != calls || f.sim.Posts(distribution.UriDongneTV) != 1 {
		t.Fatalf("a settled channel was called again: %d calls, %d posts", got, f.sim.Posts(distribution.UriDongneTV))
	}
	if got := len(completions(t, f)); got != 1 {
		t.Fatalf("%d DistributionCompleted after redelivery, want 1", got)
	}

	// Metrics of live posts go to analytics.
	fireTimer(t, f, "ChannelStatsCollect")
	metrics := map[string]distribution.ChannelMetrics{}
	for _, e := range streamMessages(t, f, queue.AnalyticsEvents) {
		if e.Subject == distribution.TypeChannelMetrics {
			var m distribution.ChannelMetrics
			_ = json.Unmarshal(e.Body, &m)
			metrics[m.Channel] = m
		}
	}
	for _, ch := range []string{distribution.Instagram, distribution.Kakao, distribution.UriDongneTV, distribution.GiniTV, distribution.RingoBiz} {
		if m, ok := metrics[ch]; !ok || m.EventID.String() != id || m.ChannelType != distribution.ChannelType(ch) {
			t.Errorf("%s metrics: %+v", ch, m)
		}
	}
	// A second run within MetricsEvery pulls nothing again.
	if out := fireTimer(t, f, "ChannelStatsCollect"); !strings.Contains(out, "0 live posts") {
		t.Errorf("second run: %s", out)
	}
}

func TestDistributionTransientRetryThenSuccess(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "dist-retry@example.com", "010-5100-0002")
	id := publishedEverywhere(t, f, acct)
	f.sim.FailNext(distribution.Instagram, 2, http.StatusServiceUnavailable)
	q := newDistJobs(f)
	for _, e := range q.next(t) {
		if rec := deliver(t, f, "ChannelDistribute", e, 1); rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	// Rescheduled, not slept on: a new message due 1 s later, then 2 s.
	for i, wantDelay := range []time.Duration{time.Second, 2 * time.Second} {
		c := channelOf(distStatus(t, f, acct, id), distribution.Instagram)
		if c.Status != "IN_PROGRESS" || c.Retries != i+1 || c.NextAttemptAt == nil || !strings.Contains(c.ErrorMessage, "503") {
			t.Fatalf("after failure %d: %+v", i+1, c)
		}
		if got := c.NextAttemptAt.Sub(f.clock.Now()); got != wantDelay {
			t.Errorf("retry %d due in %v, want %v", i+1, got, wantDelay)
		}
		e := q.only(t, distribution.Instagram)
		if rec := deliver(t, f, "ChannelDistribute", e, 1); rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	c := channelOf(distStatus(t, f, acct, id), distribution.Instagram)
	if c.Status != "SUCCESS" || c.Retries != 2 || c.Attempts != 3 || f.sim.Posts(distribution.Instagram) != 1 {
		t.Fatalf("after success: %+v, %d posts", c, f.sim.Posts(distribution.Instagram))
	}
	if got, want := attemptOutcomes(t, f, id, distribution.Instagram), []string{"TRANSIENT", "TRANSIENT", "SUCCESS"}; !slices.Equal(got, want) {
		t.Errorf("attempt log %v, want %v", got, want)
	}
	if got := remoteAttempts(f, distribution.Instagram); got != 3 {
		t.Errorf("the remote saw %d attempts, the log 3", got)
	}
	if st := distStatus(t, f, acct, id); st.OverallStatus != "COMPLETED" {
		t.Fatalf("overall %s", st.OverallStatus)
	}
}

func TestDistributionPermanentFailureAndRetry(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "dist-fail@example.com", "010-5100-0003")
	other := register(t, f, "dist-other@example.com", "010-5100-0004")
	id := publishedEverywhere(t, f, acct)
	f.sim.FailNext(distribution.RingoBiz, 1, http.StatusBadRequest)
	q := newDistJobs(f)
	q.runAll(t)

	st := distStatus(t, f, acct, id)
	rb := channelOf(st, distribution.RingoBiz)
	if st.OverallStatus != "PARTIAL_SUCCESS" || rb.Status != "FAILED" || rb.Retries != 0 || rb.Attempts != 1 || !strings.Contains(rb.ErrorMessage, "400") {
		t.Fatalf("after 400: %s %+v", st.OverallStatus, rb)
	}
	if got, want := attemptOutcomes(t, f, id, distribution.RingoBiz), []string{"PERMANENT"}; !slices.Equal(got, want) {
		t.Errorf("attempt log %v, want %v", got, want)
	}
	if done := completions(t, f); len(done) != 1 || done[0].OverallStatus != "PARTIAL_SUCCESS" {
		t.Fatalf("DistributionCompleted: %+v", done)
	}

	for _, tc := range []struct {
		name, token, channel string
		status               int
		code                 string
	}{
		{"not failed", acct.access, "INSTAGRAM", 409, "DIST_002"},
		{"no such channel", acct.access, "TIKTOK", 400, "DIST_001"},
		{"someone else's event", other.access, "RINGOBIZ", 403, "EVENT_003"},
	} {
		rec, _ := call(t, f.srv, "POST", "/api/v1/distribution/"+id+"/channels/"+tc.channel+"/retry", tc.token, nil)
		wantProblem(t, rec, tc.status, tc.code)
	}

	rec, out := call(t, f.srv, "POST", "/api/v1/distribution/"+id+"/channels/RINGOBIZ/retry", acct.access, nil)
	if rec.Code != 202 || out["status"] != "PENDING" {
		t.Fatalf("retry: %d %s", rec.Code, rec.Body)
	}
	if st := distStatus(t, f, acct, id); st.OverallStatus != "IN_PROGRESS" || st.CompletedAt != nil || channelOf(st, "RINGOBIZ").Status != "PENDING" {
		t.Fatalf("reopened: %+v", st)
	}
	q.runAll(t)
	st = distStatus(t, f, acct, id)
	if st.OverallStatus != "COMPLETED" || channelOf(st, "RINGOBIZ").Status != "SUCCESS" || f.sim.Posts(distribution.RingoBiz) != 1 {
		t.Fatalf("after retry: %+v", st)
	}
	if done := completions(t, f); len(done) != 2 || done[1].OverallStatus != "COMPLETED" {
		t.Fatalf("DistributionCompleted after the retry: %+v", done)
	}
}

func TestDistributionBreaker(t *testing.T) {
	t.Parallel()
	f := newServer(t) // breaker: 3 failures in a row open it for 30 s
	acct := register(t, f, "dist-breaker@example.com", "010-5100-0005")
	id := publishedEverywhere(t, f, acct)
	f.sim.SetDown(distribution.GiniTV, true)
	q := newDistJobs(f)
	var gini queue.Entry
	for _, e := range q.next(t) {
		var job event.DistributeChannel
		_ = json.Unmarshal(e.Body, &job)
		if job.Channel == distribution.GiniTV {
			gini = e
			continue
		}
		deliver(t, f, "ChannelDistribute", e, 1)
	}
	for i := range 3 {
		if rec := deliver(t, f, "ChannelDistribute", gini, 1); rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		gini = q.only(t, distribution.GiniTV)
		if got := remoteAttempts(f, distribution.GiniTV); got != i+1 {
			t.Fatalf("attempt %d: the remote saw %d", i+1, got)
		}
	}
	// Open: the job comes back after the cooldown without a call.
	if rec := deliver(t, f, "ChannelDistribute", gini, 1); rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	c := channelOf(distStatus(t, f, acct, id), distribution.GiniTV)
	if got := remoteAttempts(f, distribution.GiniTV); got != 3 || c.Status != "IN_PROGRESS" || !strings.Contains(c.ErrorMessage, "circuit open") || c.Retries != 3 {
		t.Fatalf("while open: %d remote attempts, %+v", got, c)
	}
	if got := c.NextAttemptAt.Sub(f.clock.Now()); got <= 0 || got > 30*time.Second {
		t.Errorf("rescheduled %v ahead, want within the 30 s cooldown", got)
	}
	gini = q.only(t, distribution.GiniTV)

	// Half-open after the cooldown: one probe goes out and succeeds.
	f.sim.SetDown(distribution.GiniTV, false)
	f.clock.Advance(31 * time.Second)
	if rec := deliver(t, f, "ChannelDistribute", gini, 1); rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	st := distStatus(t, f, acct, id)
	if c := channelOf(st, distribution.GiniTV); c.Status != "SUCCESS" || f.sim.Posts(distribution.GiniTV) != 1 || st.OverallStatus != "COMPLETED" {
		t.Fatalf("after recovery: %+v (%s)", c, st.OverallStatus)
	}
	if got, want := attemptOutcomes(t, f, id, distribution.GiniTV), []string{"TRANSIENT", "TRANSIENT", "TRANSIENT", "SUCCESS"}; !slices.Equal(got, want) {
		t.Errorf("attempt log %v, want %v", got, want)
	}
}

func TestDistributionConcurrentDeliveriesPostOnce(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "dist-race@example.com", "010-5100-0006")
	id := publishedEverywhere(t, f, acct)
	q := newDistJobs(f)
	e := q.only(t, distribution.UriDongneTV)
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = deliver(t, f, "ChannelDistribute", e, 1).Code
		}()
	}
	wg.Wait()
	for _, c := range codes {
		if c != 200 && c != 500 { // 500: "another delivery is calling"; the host redelivers
			t.Fatalf("codes %v", codes)
		}
	}
	if got := f.sim.Posts(distribution.UriDongneTV); got != 1 {
		t.Fatalf("%d posts from 8 concurrent deliveries, want 1", got)
	}
	if got := remoteAttempts(f, distribution.UriDongneTV); got != 1 {
		t.Fatalf("the remote was called %d times, want 1", got)
	}
	if c := channelOf(distStatus(t, f, acct, id), distribution.UriDongneTV); c.Status != "SUCCESS" {
		t.Fatalf("%+v", c)
	}
}

func TestDistributionStatusRules(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "dist-rules@example.com", "010-5100-0007")
	other := register(t, f, "dist-rules2@example.com", "010-5100-0008")
	draft := draftWithPlan(t, f, acct)
	rec, _ := call(t, f.srv, "GET", "/api/v1/distribution/"+draft+"/status", acct.access, nil)
	wantProblem(t, rec, 404, "DIST_004")
	rec, _ = call(t, f.srv, "GET", "/api/v1/distribution/"+draft+"/status", other.access, nil)
	wantProblem(t, rec, 403, "EVENT_003")
	rec, _ = call(t, f.srv, "GET", "/api/v1/distribution/"+uuid.NewString()+"/status", acct.access, nil)
	wantProblem(t, rec, 404, "EVENT_001")
	rec, _ = call(t, f.srv, "GET", "/api/v1/distribution/"+draft+"/status", "", nil)
	wantProblem(t, rec, 401, "AUTH_002")

	// The status is cached and the cache dropped on every change.
	id := publishedEverywhere(t, f, acct)
	q := newDistJobs(f)
	q.runAll(t)
	distStatus(t, f, acct, id)
	key := "event:" + id + ":distribution"
	if n, _ := f.rdb.Exists(context.Background(), f.prefix+key).Result(); n != 1 {
		t.Fatal("status not cached")
	}
	before := f.pgq.Count()
	distStatus(t, f, acct, id)
	if got := f.pgq.Count() - before; got > 1 { // the ownership check only
		t.Errorf("a cached read ran %d queries", got)
	}
	if _, err := f.db.Exec(context.Background(), `UPDATE distribution.channel_status SET status = 'FAILED' WHERE event_id = $1 AND channel = 'KAKAO'`, id); err != nil {
		t.Fatal(err)
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/distribution/"+id+"/channels/KAKAO/retry", acct.access, nil); rec.Code != 202 {
		t.Fatalf("retry: %d", rec.Code)
	}
	if n, _ := f.rdb.Exists(context.Background(), f.prefix+key).Result(); n != 0 {
		t.Fatal("the retry left the cached status in place")
	}
}

// A job that names only its own channel (sent before jobs listed all
// channels) still ends in a correct overall status: a late channel reopens
// a settled distribution, and it settles again.
func TestDistributionLateChannelReopens(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	ctx := context.Background()
	id := uuid.New()
	job := func(ch string) event.DistributeChannel {
		return event.DistributeChannel{EventID: id, Channel: ch, EventName: "늦은 채널", StartDate: "2026-11-22", EndDate: "2026-11-30",
			ImageURL: "https://example.com/p.png", StoreName: "카페", StoreAddress: "서울 강남구 테헤란로 1", StorePhone: "0255512345",
			ParticipateURL: "https://app.example/e", Settings: json.RawMessage(`{}`)}
	}
	if out, err := f.dist.Distribute(ctx, distribution.InitialMessageID(id, "INSTAGRAM"), job("INSTAGRAM")); err != nil || out != distribution.OutcomePosted {
		t.Fatalf("INSTAGRAM: %v %v", out, err)
	}
	if out, err := f.dist.Distribute(ctx, distribution.InitialMessageID(id, "KAKAO"), job("KAKAO")); err != nil || out != distribution.OutcomePosted {
		t.Fatalf("KAKAO: %v %v", out, err)
	}
	var overall string
	var settlements int
	if err := f.db.QueryRow(ctx, `SELECT overall_status, settlements FROM distribution.distribution_status WHERE event_id = $1`, id).Scan(&overall, &settlements); err != nil {
		t.Fatal(err)
	}
	if overall != "COMPLETED" || settlements != 2 {
		t.Fatalf("overall %s after %d settlements, want COMPLETED after 2", overall, settlements)
	}
}
