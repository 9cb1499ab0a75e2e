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
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/app/apptest"
	"github.com/eventmkt/backend/shared/analytics"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/health"
	"github.com/eventmkt/backend/shared/logging"
	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
	"github.com/eventmkt/backend/tools/channelsim"
)

const fixtures = "../testdata/functions-host"

type fixture struct {
	srv     *Server
	app     *app.App // what srv serves, as app.New built it
	logs    *testenv.Buffer
	outbox  *queue.Outbox
	users   *user.Service
	events  *event.Service
	clock   *testenv.Clock
	db      *postgres.DB
	rdb     goredis.UniversalClient
	prefix  string
	broker  *queue.RedisStreams // the app's queues (streams under prefix)
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
	users     user.Config             // the sign-in settings (testUserConfig)
	userRedis goredis.UniversalClient // nil: the test's Redis
	probes    []health.Probe          // nil: Postgres, Redis, Blob and Table
	ai        *openai.Client          // nil: built-in generators only
	db        *postgres.DB            // nil: a fresh database
	redis     goredis.UniversalClient // nil: the test's Redis; set to a dead client to run without Redis
	rate      [2]int                  // participation limits per client and per phone (0 = off)
	netRate   [2]int                  // participation limits per IPv4 /24 and per IPv6 /64 (0 = off)
	viewRate  int                     // page-view beacons per client and event per minute (0 = off)
	// channelRT wraps the channel adapters' transport to the simulator (a
	// test's hook to slow, hang or cut a call); nil leaves it as is.
	channelRT func(http.RoundTripper) http.RoundTripper
	// invocationTimeout is the deadline of queue and timer invocations (0: 1 min).
	invocationTimeout time.Duration
	// fallbackBudget is the time kept for the built-in generators after an AI call (0: the default).
	fallbackBudget time.Duration
	jobQuota       [2]int               // plan jobs and poster jobs per owner and day (0 = off)
	settings       func(*config.Config) // adjusts any other setting last
}

// newServerOpts builds the app with apptest.New (app.New, as serve does)
// over this test's own slice of the real services, with the channel
// simulator as the channels' and the messaging APIs' remote, and serves it.
func newServerOpts(t *testing.T, o fixtureOpts) fixture {
	t.Helper()
	pgq := &testenv.QueryCounter{}
	logs := &testenv.Buffer{}
	sim := channelsim.New(channelsim.Options{Seed: 1})
	simSrv := httptest.NewServer(sim)
	t.Cleanup(simSrv.Close)
	channelRT := simSrv.Client().Transport
	if o.channelRT != nil {
		channelRT = o.channelRT(channelRT)
	}
	ucfg := o.users
	if ucfg.Tokens.Key == nil {
		ucfg = testUserConfig()
	}
	a := apptest.New(t, apptest.Options{
		Log: logging.New(logs, slog.LevelDebug), DB: o.db, PostgresOptions: []postgres.Option{postgres.WithTracer(pgq)},
		Redis: o.redis, UserRedis: o.userRedis, Probes: o.probes, AI: o.ai,
		RemoteURL: simSrv.URL, ChannelTransport: channelRT,
		Settings: func(cfg *config.Config) {
			cfg.JWTSigningKey, cfg.JWTIssuer, cfg.JWTAudience = ucfg.Tokens.Key, ucfg.Tokens.Issuer, ucfg.Tokens.Audience
			cfg.AccessTokenTTL, cfg.RefreshTokenTTL, cfg.BcryptCost = ucfg.Tokens.AccessTTL, ucfg.Tokens.RefreshTTL, ucfg.BcryptCost
			cfg.LoginRatePerIP, cfg.RegisterRatePerIP = ucfg.LoginRatePerIP, ucfg.RegisterRatePerIP
			cfg.PasswordChangesPerHour, cfg.LoginSlowdownAfter = ucfg.PasswordChangesPerHour, ucfg.LoginSlowdownAfter
			cfg.RatePerClient, cfg.RatePerPhone, cfg.RatePerIPv4Net, cfg.RatePerIPv6Net = o.rate[0], o.rate[1], o.netRate[0], o.netRate[1]
			cfg.ViewRatePerClient, cfg.PlanJobsPerDay, cfg.PosterJobsPerDay = o.viewRate, o.jobQuota[0], o.jobQuota[1]
			if o.invocationTimeout > 0 {
				cfg.QueueTimeout = o.invocationTimeout
			}
			if o.fallbackBudget > 0 {
				cfg.AIFallbackBudget = o.fallbackBudget
			}
			if o.settings != nil {
				o.settings(cfg)
			}
		},
	})
	return fixture{srv: New(a.App), app: a.App, logs: logs, outbox: a.Outbox, users: a.Users, events: a.Events, clock: a.Clock, db: a.DB, rdb: a.Redis,
		prefix: a.Prefix, broker: a.Broker, pgq: pgq, sim: sim, dist: a.Distribution, stats: a.Analytics, notify: a.Notifier, parts: a.Participation,
		blobs: a.Blobs, proofs: a.Names.Proofs, exports: a.Names.Exports}
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
