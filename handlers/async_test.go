package handlers

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/queue"
)

// roundTrip is an http.RoundTripper from a function: a test's hook into the
// adapters' calls to the channel simulator.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// deliverCtx is deliver on a context the test controls: cancelling it is the
// host (or the deadline) killing the call.
func deliverCtx(t *testing.T, f fixture, ctx context.Context, function string, e queue.Entry, delivery int) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequestWithContext(ctx, "POST", "/"+function, bytes.NewReader(queueEnvelope(t, e, delivery)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// wantSettledOnce checks that Instagram has exactly one post and the
// distribution settled COMPLETED.
func wantSettledOnce(t *testing.T, f fixture, acct account, id string) {
	t.Helper()
	st := distStatus(t, f, acct, id)
	c := channelOf(st, distribution.Instagram)
	if got := f.sim.Posts(distribution.Instagram); got != 1 {
		t.Errorf("Instagram has %d posts, want 1", got)
	}
	if c.Status != distribution.StatusSuccess || c.PostURL == "" || st.OverallStatus != distribution.OverallCompleted {
		t.Errorf("not settled: overall %s, channel %+v", st.OverallStatus, c)
	}
}

// instagramOnly publishes an event to Instagram alone and returns it with
// its one channel job.
func instagramOnly(t *testing.T, f fixture, acct account) (string, *distJobs, queue.Entry) {
	t.Helper()
	id := publishedOn(t, f, acct, map[string]any{"channels": []string{distribution.Instagram}})
	q := newDistJobs(f)
	return id, q, q.only(t, distribution.Instagram)
}

// The call dies right after media_publish answered (the host cut it, or its
// deadline passed): the post exists but the permalink was never read. The
// host redelivers the message, later again; exactly one post results and
// the channel settles.
func TestDistributionKilledAfterMediaPublishPostsOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var kill context.CancelFunc
	cut := func(next http.RoundTripper) http.RoundTripper {
		return roundTrip(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err == nil && r.Method == http.MethodPost && bytes.HasSuffix([]byte(r.URL.Path), []byte("/media_publish")) && resp.StatusCode == 200 {
				body, _ := io.ReadAll(resp.Body) // the answer arrived whole
				resp.Body.Close()
				resp.Body = io.NopCloser(bytes.NewReader(body))
				mu.Lock()
				if kill != nil {
					kill()
					kill = nil
				}
				mu.Unlock()
			}
			return resp, err
		})
	}
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), channelRT: cut})
	acct := register(t, f, "dist-killed@example.com", "010-5170-0001")
	id, q, m1 := instagramOnly(t, f, acct)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mu.Lock()
	kill = cancel
	mu.Unlock()
	first := deliverCtx(t, f, ctx, "ChannelDistribute", m1, 1)
	t.Logf("the killed delivery answered %d (the host may never see it)", first.Code)
	if got := f.sim.Posts(distribution.Instagram); got != 1 {
		t.Fatalf("media_publish made %d posts", got)
	}

	// The host redelivers at once, and again after the lock and any lease ran out.
	if rec := deliver(t, f, "ChannelDistribute", m1, 2); rec.Code != 200 {
		t.Errorf("redelivery: %d %s", rec.Code, rec.Body)
	}
	f.clock.Advance(10 * time.Minute)
	if rec := deliver(t, f, "ChannelDistribute", m1, 3); rec.Code != 200 {
		t.Errorf("late redelivery: %d %s", rec.Code, rec.Body)
	}
	q.runAll(t)
	wantSettledOnce(t, f, acct, id)
}

// hangAfterPublish hangs the first permalink read (after media_publish
// answered) until release is closed, ignoring the context: a process that
// stopped answering, as far as the rest of the system can tell.
func hangAfterPublish(blocked, release chan struct{}) func(http.RoundTripper) http.RoundTripper {
	var once sync.Once
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.Method == http.MethodGet && r.URL.Query().Get("fields") == "permalink" {
				first := false
				once.Do(func() { first = true })
				if first {
					close(blocked)
					<-release
				}
			}
			return next.RoundTrip(r)
		})
	}
}

// startHung delivers m1 in the background and returns once the call hangs
// after media_publish; finish releases it and waits for it to end.
func startHung(t *testing.T, f fixture, m1 queue.Entry, blocked, release chan struct{}) (finish func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		deliverCtx(t, f, context.Background(), "ChannelDistribute", m1, 1)
	}()
	select {
	case <-blocked:
	case <-time.After(30 * time.Second):
		t.Fatal("the call never reached the permalink read")
	}
	var once sync.Once
	finish = func() {
		once.Do(func() { close(release) })
		<-done
	}
	t.Cleanup(finish)
	return finish
}

// A channel whose call hung (its lease ran out with the channel still
// IN_PROGRESS) is retried by the owner: 202, not 409, and the retry resumes
// from the published media instead of posting again. The hung call, when it
// wakes, changes nothing.
func TestDistributionRetryStrandedChannel(t *testing.T) {
	t.Parallel()
	blocked, release := make(chan struct{}), make(chan struct{})
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), channelRT: hangAfterPublish(blocked, release), invocationTimeout: time.Minute})
	acct := register(t, f, "dist-stranded@example.com", "010-5170-0002")
	id, q, m1 := instagramOnly(t, f, acct)
	finish := startHung(t, f, m1, blocked, release)

	// While the lease runs the call may still be alive: the retry waits.
	rec, _ := call(t, f.srv, "POST", "/api/v1/distribution/"+id+"/channels/INSTAGRAM/retry", acct.access, nil)
	wantProblem(t, rec, 409, distribution.CodeNotFailed)

	f.clock.Advance(10 * time.Minute) // the lease has run out: the call is dead
	rec, out := call(t, f.srv, "POST", "/api/v1/distribution/"+id+"/channels/INSTAGRAM/retry", acct.access, nil)
	if rec.Code != 202 || out["status"] != "PENDING" {
		t.Fatalf("retry of a stranded channel: %d %s", rec.Code, rec.Body)
	}
	q.runAll(t)
	wantSettledOnce(t, f, acct, id)

	finish()
	wantSettledOnce(t, f, acct, id)
}

// The host requeues a message whose call hung: while the lease runs the
// delivery is answered 200 (it must not burn the deliveries that lead to the
// dead-letter queue) and a takeover is scheduled; after the lease the job is
// taken over and resumes from the media id: one post, settled.
func TestDistributionRequeueAfterLeasePostsOnce(t *testing.T) {
	t.Parallel()
	blocked, release := make(chan struct{}), make(chan struct{})
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), channelRT: hangAfterPublish(blocked, release), invocationTimeout: time.Minute})
	acct := register(t, f, "dist-requeue@example.com", "010-5170-0003")
	id, q, m1 := instagramOnly(t, f, acct)
	finish := startHung(t, f, m1, blocked, release)

	if rec := deliver(t, f, "ChannelDistribute", m1, 2); rec.Code != 200 {
		t.Errorf("a redelivery during the lease answered %d: ten of those dead-letter the job", rec.Code)
	}
	if c := channelOf(distStatus(t, f, acct, id), distribution.Instagram); c.Status != distribution.StatusInProgress {
		t.Fatalf("during the lease: %+v", c)
	}
	f.clock.Advance(10 * time.Minute)
	if rec := deliver(t, f, "ChannelDistribute", m1, 3); rec.Code != 200 {
		t.Fatalf("requeue after the lease: %d %s", rec.Code, rec.Body)
	}
	q.runAll(t)
	wantSettledOnce(t, f, acct, id)

	finish()
	wantSettledOnce(t, f, acct, id)
}

// Queue and timer invocations run under their own deadline, longer than an
// HTTP request's and below the host's functionTimeout.
func TestInvocationDeadline(t *testing.T) {
	t.Parallel()
	s := New(&app.App{Log: slog.New(slog.DiscardHandler), Config: config.Config{RequestTimeout: 2 * time.Second}})
	var got time.Duration
	h := s.withTimeout(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := r.Context().Deadline()
		got = time.Until(d)
	}))
	for _, tc := range []struct {
		path     string
		min, max time.Duration
	}{
		{"/api/v1/health", time.Second, 2 * time.Second},
		{"/ChannelDistribute", 3 * time.Minute, 5 * time.Minute}, // a queue function
		{"/StatsRollup", 3 * time.Minute, 5 * time.Minute},       // a timer
		{"/UserLogin", time.Second, 2 * time.Second},             // an HTTP function's envelope
	} {
		method := http.MethodPost
		if tc.path == "/api/v1/health" {
			method = http.MethodGet
		}
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, tc.path, nil))
		if got < tc.min || got > tc.max {
			t.Errorf("%s: deadline in %v, want %v to %v", tc.path, got, tc.min, tc.max)
		}
	}
}

// An AI endpoint that hangs past the invocation's deadline: the AI call is
// cut short in time for the built-in planner to run on its own budget, and
// the job completes with the built-in plans before the deadline, on the
// first delivery.
func TestRecommendationAIHangsPastDeadlineFallsBack(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var asked atomic.Int64
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(func() { close(release) })
	// The production defaults: 30 s per attempt, three attempts.
	ai, err := openai.New(openai.Config{BaseURL: hang.URL, APIKey: "k", ChatModel: "gpt-test", Timeout: 30 * time.Second, MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	const deadline = 3 * time.Second
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), ai: ai, invocationTimeout: deadline, fallbackBudget: time.Second})
	acct := register(t, f, "ai-hang@example.com", "010-5170-0004")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	job := requestJob(t, f, "POST", "/api/v1/events/"+ev["eventId"].(string)+"/ai-recommendations", acct.access, map[string]any{"region": "대전 유성구"})
	start := time.Now()
	rec := deliver(t, f, "RecommendationGenerate", streamMessages(t, f, queue.AIRecommendationJobs)[0], 1)
	took := time.Since(start)
	if rec.Code != 200 {
		t.Fatalf("RecommendationGenerate after %v: %d %s", took.Round(time.Millisecond), rec.Code, rec.Body)
	}
	if took >= deadline || asked.Load() == 0 {
		t.Errorf("the job took %v (deadline %v); the AI was asked %d times", took, deadline, asked.Load())
	}
	_, j := call(t, f.srv, "GET", "/api/v1/jobs/"+job.String(), acct.access, nil)
	if j["status"] != "COMPLETED" || j["generator"] != "builtin" || j["fallbackReason"] != "AI endpoint timed out" {
		t.Fatalf("job: %v", j)
	}
}
