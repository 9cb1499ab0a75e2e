package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/eventmkt/backend/shared/analytics"
	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/content"
	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/tools/channelsim"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/health"
	"github.com/eventmkt/backend/shared/logging"
	"github.com/eventmkt/backend/shared/messaging"
	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/phoneverify"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/recommend"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/tables"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
)

const fixtures = "../testdata/functions-host"

type fixture struct {
	srv     *Server
	logs    *testenv.Buffer
	outbox  *queue.Outbox
	users   *user.Service
	events  *event.Service
	clock   *clock
	db      *postgres.DB
	rdb     goredis.UniversalClient
	prefix  string
	pgq     *testenv.QueryCounter
	sim     *channelsim.Sim // the channels' remote APIs
	dist    *distribution.Service
	stats   *analytics.Service
	notify  *participation.Notifier
	parts   *participation.Service
	blobs   *azblob.Client // draw proofs in proofs, CSV exports in exports
	proofs  string
	exports string
}

var (
	rendererOnce sync.Once
	sharedRender *content.Renderer
)

// renderer is shared by the tests of this package (it is safe for concurrent use).
func renderer(t *testing.T) *content.Renderer {
	rendererOnce.Do(func() {
		r, err := content.NewRenderer()
		if err != nil {
			panic(err)
		}
		sharedRender = r
	})
	return sharedRender
}

func aiPlanner(c *openai.Client) *recommend.AI {
	if c == nil {
		return nil
	}
	return recommend.NewAI(c)
}

// clock is a settable time source for rules that depend on time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testUserConfig signs with a per-test key at bcrypt's minimum cost.
func testUserConfig() user.Config {
	return user.Config{
		Tokens:     user.TokenConfig{Key: []byte(testenv.Name("signing-key-for-tests-only-")), Issuer: "eventmkt", Audience: "eventmkt-api", AccessTTL: 15 * time.Minute, RefreshTTL: 14 * 24 * time.Hour},
		BcryptCost: 4,
	}
}

// newServer wires the server over this test's own slice of the real services.
func newServer(t *testing.T, probes ...health.Probe) fixture {
	t.Helper()
	return newServerWith(t, testUserConfig(), nil, probes...)
}

func newServerWith(t *testing.T, ucfg user.Config, rdbOverride goredis.UniversalClient, probes ...health.Probe) fixture {
	t.Helper()
	return newServerOpts(t, fixtureOpts{users: ucfg, userRedis: rdbOverride, probes: probes})
}

// fixtureOpts varies the wiring of a test server.
type fixtureOpts struct {
	users     user.Config
	userRedis goredis.UniversalClient // nil: the test's Redis
	probes    []health.Probe
	ai        *openai.Client          // nil: built-in generators only
	db        *postgres.DB            // nil: a fresh database
	redis     goredis.UniversalClient // nil: the test's Redis; set to a dead client to run without Redis
	rate      [2]int                  // participation limits per client and per phone (0 = off)
	netRate   [2]int                  // participation limits per IPv4 /24 and per IPv6 /64 (0 = off)
	viewRate  int                     // page-view beacons per client and event per minute (0 = off)
	// channelRT wraps the channel adapters' transport to the simulator (a
	// test's hook to slow, hang or cut a call); nil leaves it as is.
	channelRT func(http.RoundTripper) http.RoundTripper
	// invocationTimeout is the deadline of queue and timer invocations (0: 5 s).
	invocationTimeout time.Duration
	// fallbackBudget is the time kept for the built-in generators after an AI call (0: the default).
	fallbackBudget time.Duration
	jobQuota       [2]int                      // plan jobs and poster jobs per owner and day (0 = off)
	parts          func(*participation.Config) // adjusts the participation settings
}

func newServerOpts(t *testing.T, o fixtureOpts) fixture {
	t.Helper()
	ucfg, rdbOverride, probes := o.users, o.userRedis, o.probes
	pgq := &testenv.QueryCounter{}
	db := o.db
	if db == nil {
		db = testenv.Postgres(t, postgres.WithTracer(pgq))
	}
	rdb, prefix := testenv.Redis(t)
	if o.redis != nil {
		rdb = o.redis
	}
	logs := &testenv.Buffer{}
	log := logging.New(logs, slog.LevelDebug)
	ob := queue.NewOutbox(db, queue.NewRedisStreams(rdb, prefix), log)
	go ob.Run(t.Context())
	clk := &clock{t: time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)}
	userRedis := rdb
	if rdbOverride != nil {
		userRedis = rdbOverride
	}
	users, err := user.NewService(db, userRedis, log, ucfg, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	seoul, _ := time.LoadLocation("Asia/Seoul")
	blobs, proofs, images, exports := testenv.Blob(t), testenv.Name("proofs"), testenv.Name("images"), testenv.Name("exports")
	t.Cleanup(func() {
		_, _ = blobs.DeleteContainer(context.Background(), proofs, nil)
		_, _ = blobs.DeleteContainer(context.Background(), exports, nil)
		_, _ = blobs.DeleteContainer(context.Background(), images, nil)
	})
	posters := content.NewService(renderer(t), nil, blobs, images, "", log)
	events := event.NewService(db, rdb, ob, log, users, participation.NewCounter(db, rdb), event.Config{TimeZone: seoul, JobTimeout: 10 * time.Minute,
		PublicWebURL: "https://app.example", RetentionDays: 30, ViewRatePerClient: o.viewRate, WebPosters: posters,
		PlanJobsPerDay: o.jobQuota[0], PosterJobsPerDay: o.jobQuota[1]}, clk.Now)
	if probes == nil {
		blobs, tbl := testenv.Blob(t), testenv.Tables(t)
		probes = []health.Probe{
			{Name: "postgres", Check: db.Ping},
			{Name: "redis", Check: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
			{Name: "blob", Check: func(ctx context.Context) error { return blob.Ping(ctx, blobs) }},
			{Name: "table", Check: func(ctx context.Context) error { return tables.Ping(ctx, tbl) }},
		}
	}
	sim := channelsim.New(channelsim.Options{Seed: 1})
	simSrv := httptest.NewServer(sim)
	t.Cleanup(simSrv.Close)
	simClient := simSrv.Client()
	if o.channelRT != nil {
		simClient = &http.Client{Transport: o.channelRT(simClient.Transport)}
	}
	// Deadlines as deployed, not tuned to an idle machine: under -race on a
	// loaded 2-core box, a publish (the web poster) or an image job took
	// more than 5 s. Tests of deadlines set their own.
	if o.invocationTimeout <= 0 {
		o.invocationTimeout = time.Minute
	}
	attempts, tbl := testenv.TableName("attempts"), testenv.Tables(t)
	t.Cleanup(func() { _, _ = tbl.DeleteTable(context.Background(), attempts, nil) })
	kits := distribution.NewShareKits(blobs, images, "")
	dist := distribution.NewService(db, rdb, ob, tbl, events, []distribution.Adapter{
		distribution.NewUriDongneTV(distribution.KTConfig{BaseURL: simSrv.URL + "/kt/uridongnetv", APIKey: "k"}, simSrv.Client()),
		distribution.NewRingoBiz(distribution.KTConfig{BaseURL: simSrv.URL + "/kt/ringobiz", APIKey: "k"}, simSrv.Client()),
		distribution.NewGiniTV(distribution.KTConfig{BaseURL: simSrv.URL + "/kt/ginitv", APIKey: "k"}, simSrv.Client()),
		distribution.NewInstagram(distribution.InstagramConfig{BaseURL: simSrv.URL + "/instagram/v21.0", UserID: "17841400000000001", AccessToken: "t"}, simClient),
		distribution.NewNaver(kits),
		distribution.NewKakao(distribution.KakaoConfig{BaseURL: simSrv.URL + "/kakao", APIKey: "k", ChannelID: "_test"}, simSrv.Client(), kits),
	}, log, distribution.Config{BreakerThreshold: 3, BreakerCooldown: 30 * time.Second, AttemptTable: attempts, KeyPrefix: prefix}, clk.Now)
	stats := analytics.NewService(db, rdb, events, log, analytics.Config{TimeZone: seoul, KeyPrefix: prefix}, clk.Now)
	phones := phoneverify.NewService(rdb, events, messaging.NewNHN(messaging.Config{SMSBaseURL: simSrv.URL, SMSAppKey: "k", SMSSecretKey: "s",
		SendNo: "0212345678"}, simSrv.Client()), log, phoneverify.Config{SendsPerPhone: 5, SendsPerClient: 50, KeyPrefix: prefix + "phoneverify:", Stores: users}, clk.Now)
	// Storage checks a link's expiry against the real clock, not the fixture's.
	links, err := blob.NewLinks(blobs, testenv.StorageConnectionString(), 10*time.Minute, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	pcfg := participation.Config{
		RatePerClient: o.rate[0], RatePerPhone: o.rate[1], RatePerIPv4Net: o.netRate[0], RatePerIPv6Net: o.netRate[1], ProofContainer: proofs,
		PhoneTokens: phones, BatchDelay: participation.DefaultBatchDelay, // group commit on, as deployed
		ExportContainer: exports, Links: links,
	}
	if o.parts != nil {
		o.parts(&pcfg)
	}
	entries := participation.NewService(db, rdb, ob, blobs, events, log, pcfg, clk.Now)
	notices := testenv.TableName("notices")
	t.Cleanup(func() { _, _ = tbl.DeleteTable(context.Background(), notices, nil) })
	sender := messaging.NewNHN(messaging.Config{SMSBaseURL: simSrv.URL, SMSAppKey: "sms-app", SMSSecretKey: "s", SendNo: "0212345678",
		AlimTalkBaseURL: simSrv.URL, AlimTalkAppKey: "at-app", AlimTalkSecretKey: "s", SenderKey: strings.Repeat("0", 40), Timeout: 5 * time.Second}, simSrv.Client())
	notifier := participation.NewNotifier(entries, sender, tbl, participation.NotifyConfig{TemplateCode: "EVENT_WINNER_01",
		PublicWebURL: "https://app.example", MaxAttempts: 3, BaseBackoff: time.Second, AttemptTable: notices})
	planner := recommend.NewService(aiPlanner(o.ai), recommend.NewBuiltin(), rdb, log)
	planner.FallbackBudget = o.fallbackBudget
	srv := New(Deps{
		Log:               log,
		MaxBodyBytes:      1 << 20,
		RequestTimeout:    25 * time.Second, // REQUEST_TIMEOUT_SECONDS's default
		InvocationTimeout: o.invocationTimeout,
		Health:            health.NewChecker(log, time.Second, probes...),
		Outbox:            ob,
		Users:             users,
		Events:            events,
		PlanJobs:          recommend.NewJobs(events, planner, log, seoul, clk.Now),
		ImageJobs:         content.NewJobs(events, posters, log),
		Participation:     entries,
		PhoneVerify:       phones,
		Notifier:          notifier,
		Distribution:      dist,
		Analytics:         stats,
	})
	return fixture{parts: entries, blobs: blobs, proofs: proofs, exports: exports, notify: notifier, sim: sim, dist: dist, stats: stats, srv: srv, logs: logs, outbox: ob, users: users, events: events, clock: clk, db: db, rdb: rdb, prefix: prefix, pgq: pgq}
}

func do(t *testing.T, h http.Handler, method, path string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("problem body %q: %v", rec.Body.String(), err)
	}
	if p.Status != rec.Code || p.Title == "" || p.Code == "" {
		t.Errorf("incomplete problem %+v for status %d", p, rec.Code)
	}
	return p
}

func TestHealth(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	rec := do(t, f.srv, "GET", "/api/v1/health", nil)
	var got health.Report
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || got.Status != "ok" || len(got.Checks) != 4 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	for _, name := range []string{"postgres", "redis", "blob", "table"} {
		if got.Checks[name].Status != "ok" {
			t.Errorf("%s: %+v", name, got.Checks[name])
		}
	}
}

func TestHealthReportsWhatIsDown(t *testing.T) {
	t.Parallel()
	dead, _ := redis.Open("redis://127.0.0.1:1/0", false)
	f := newServer(t,
		health.Probe{Name: "redis", Check: func(ctx context.Context) error { return dead.Ping(ctx).Err() }},
		health.Probe{Name: "postgres", Check: func(context.Context) error { return nil }},
	)
	rec := do(t, f.srv, "GET", "/api/v1/health", nil)
	var got health.Report
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if rec.Code != http.StatusServiceUnavailable || got.Checks["redis"].Status != "down" || got.Checks["postgres"].Status != "ok" {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "refused") {
		t.Error("the anonymous health body must not carry error text")
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	big := strings.Repeat("x", 1<<20+1)
	tests := []struct {
		name     string
		method   string
		path     string
		body     io.Reader
		want     int
		wantCode string
	}{
		{"unknown path", "GET", "/api/v1/nope", nil, 404, codeNotFound},
		{"unknown function", "POST", "/NoSuchFunction", strings.NewReader(`{}`), 404, codeNotFound},
		{"wrong method", "DELETE", "/api/v1/health", nil, 405, codeMethodNotAllowed},
		{"malformed JSON", "POST", "/OutboxRelay", strings.NewReader(`{"Data":`), 400, codeBadRequest},
		{"not JSON at all", "POST", "/OutboxRelay", strings.NewReader(`hello`), 400, codeBadRequest},
		{"empty body", "POST", "/OutboxRelay", strings.NewReader(``), 400, codeBadRequest},
		{"wrong type", "POST", "/OutboxRelay", strings.NewReader(`{"Data":[]}`), 400, codeBadRequest},
		{"body over the limit", "POST", "/OutboxRelay", strings.NewReader(big), 413, codeTooLarge},
		// No Content-Length: the limit bites while reading.
		{"streamed body over the limit", "POST", "/OutboxRelay", io.MultiReader(strings.NewReader(`{"Data":{"timer":"`), strings.NewReader(big)), 413, codeTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := do(t, f.srv, tt.method, tt.path, tt.body)
			if rec.Code != tt.want {
				t.Fatalf("got %d %s, want %d", rec.Code, rec.Body, tt.want)
			}
			if p := decodeProblem(t, rec); p.Code != tt.wantCode {
				t.Errorf("code %s, want %s", p.Code, tt.wantCode)
			}
			if tt.want == 405 && rec.Header().Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

func TestPanicIsContained(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	f.srv.mux.HandleFunc("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	rec := do(t, f.srv, "GET", "/api/v1/boom", nil)
	if rec.Code != 500 {
		t.Fatalf("got %d", rec.Code)
	}
	if p := decodeProblem(t, rec); strings.Contains(p.Detail, "kaboom") {
		t.Errorf("panic value leaked to the client: %+v", p)
	}
	if !strings.Contains(f.logs.String(), "kaboom") {
		t.Error("the panic is not logged")
	}
	if rec := do(t, f.srv, "GET", "/api/v1/health", nil); rec.Code != 200 {
		t.Errorf("next request: %d", rec.Code)
	}
}

func TestInvocationIDOnEveryLogLine(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	do(t, f.srv, "GET", "/api/v1/nope", nil, invocationHeader, "inv-123")
	lines := strings.Split(strings.TrimSpace(f.logs.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("expected a refusal and an access line, got %q", lines)
	}
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["invocationId"] != "inv-123" {
			t.Errorf("line without the invocation id: %q", line)
		}
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func fixtureInvocation(t *testing.T, name string) *Invocation {
	t.Helper()
	req := httptest.NewRequest("POST", "/X", bytes.NewReader(readFixture(t, name)))
	inv, err := decodeInvocation(req, "X")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return inv
}

// Every fixture must decode; a new fixture without a case here fails.
func TestEveryFixtureDecodes(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]func(t *testing.T, inv *Invocation){
		"timer.json": func(t *testing.T, inv *Invocation) {
			got, err := inv.Timer()
			want := TimerInfo{Last: time.Date(2026, 11, 22, 3, 10, 0, 1635300, time.UTC), Next: time.Date(2026, 11, 22, 3, 15, 0, 0, time.UTC)}
			if err != nil || got != want {
				t.Errorf("got %+v %v, want %+v", got, err, want)
			}
		},
		"timer-past-due-no-status.json": func(t *testing.T, inv *Invocation) {
			got, err := inv.Timer()
			if err != nil || got != (TimerInfo{IsPastDue: true}) {
				t.Errorf("got %+v %v", got, err)
			}
		},
		"servicebus-analytics-event.json": func(t *testing.T, inv *Invocation) {
			m, err := inv.Message()
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := json.Unmarshal(m.Body, &body); err != nil || body["participantId"] != "20261122-000042" || body["storeVisited"] != true {
				t.Errorf("body %s: %v", m.Body, err)
			}
			want := QueueMessage{MessageID: "c1d2e3f4-0000-4000-8000-00000000a042", DeliveryCount: 1,
				EnqueuedTime: time.Date(2026, 11, 22, 3, 14, 15, 0, time.UTC), Subject: "ParticipantRegistered",
				CorrelationID: "5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11", ContentType: "application/json"}
			m.Body, want.Body = nil, nil
			if m.Properties["type"] != "ParticipantRegistered" {
				t.Errorf("properties %v", m.Properties)
			}
			m.Properties = nil
			if !equalMessage(m, want) {
				t.Errorf("got %+v, want %+v", m, want)
			}
		},
		"servicebus-redelivered.json": func(t *testing.T, inv *Invocation) {
			m, err := inv.Message()
			if err != nil {
				t.Fatal(err)
			}
			if m.DeliveryCount != 4 || m.MessageID != "dist-5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11-INSTAGRAM" ||
				string(m.Body) != `{"eventId":"5f0c1a52-3d4e-4f8a-9b7c-2a1d6e9f0b11","channel":"INSTAGRAM","attempt":3}` {
				t.Errorf("got %+v body %s", m, m.Body)
			}
		},
		"http-envelope.json": func(t *testing.T, inv *Invocation) {
			req, err := inv.Request()
			if err != nil {
				t.Fatal(err)
			}
			if req.Method != "GET" || req.URL.Path != "/api/v1/health" || req.URL.Query().Get("deep") != "1" || req.Header.Get("X-Forwarded-For") != "203.0.113.7:51432" {
				t.Errorf("got %s %s %v", req.Method, req.URL, req.Header)
			}
		},
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			check, ok := checks[e.Name()]
			if !ok {
				t.Fatalf("no decoding check for fixture %s", e.Name())
			}
			check(t, fixtureInvocation(t, e.Name()))
		})
	}
}

func equalMessage(a, b QueueMessage) bool {
	return a.MessageID == b.MessageID && a.DeliveryCount == b.DeliveryCount && a.EnqueuedTime.Equal(b.EnqueuedTime) &&
		a.Subject == b.Subject && a.CorrelationID == b.CorrelationID && a.ContentType == b.ContentType
}

// A timer invocation, as the host sends it, answers 200 with the reply shape.
func TestTimerInvocationReply(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	for _, name := range []string{"timer.json", "timer-past-due-no-status.json"} {
		rec := do(t, f.srv, "POST", "/OutboxRelay", bytes.NewReader(readFixture(t, name)),
			"Content-Type", "application/json", invocationHeader, "6c1d2e3f-0000-4000-8000-000000000001")
		if rec.Code != 200 {
			t.Fatalf("%s: got %d %s", name, rec.Code, rec.Body)
		}
		var reply map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil {
			t.Fatal(err)
		}
		var logs []string
		_ = json.Unmarshal(reply["Logs"], &logs)
		if string(reply["Outputs"]) != "{}" || string(reply["ReturnValue"]) != "null" || len(logs) == 0 || !strings.Contains(logs[0], "outbox relay") {
			t.Errorf("%s: reply %s", name, rec.Body)
		}
	}
}

// With forwarding off, an HTTP function arrives as an envelope and answers
// through the "res" output.
func TestHTTPEnvelopeInvocation(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	rec := do(t, f.srv, "POST", "/Health", bytes.NewReader(readFixture(t, "http-envelope.json")), "Content-Type", "application/json")
	var reply struct {
		Outputs struct {
			Res struct {
				StatusCode int               `json:"statusCode"`
				Headers    map[string]string `json:"headers"`
				Body       string            `json:"body"`
			} `json:"res"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil || rec.Code != 200 {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	if reply.Outputs.Res.StatusCode != 200 || !strings.Contains(reply.Outputs.Res.Body, `"postgres"`) || reply.Outputs.Res.Headers["Content-Type"] == "" {
		t.Errorf("res %+v", reply.Outputs.Res)
	}
}

// fireTimer invokes a timer function as the host does and returns the reply.
func fireTimer(t *testing.T, f fixture, function string) string {
	t.Helper()
	rec := do(t, f.srv, "POST", "/"+function, bytes.NewReader(readFixture(t, "timer.json")), "Content-Type", "application/json")
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", function, rec.Code, rec.Body)
	}
	return rec.Body.String()
}
