// Package apptest builds the whole app, with app.New as serve does, over
// one test's own slice of the real services: a fresh database, a Redis key
// prefix, Blob containers and tables of its own (removed when the test
// ends), and a settable clock. The handler tests and the domains' typed
// tests (shared/testenv/stack) both start from it, so a test runs the
// services wired as deployed and the wiring lives in app alone.
//
// Settings come from config.Load over Settings, as serve reads the
// environment: every setting not named there has its deployed default.
//
// apptest must not import handlers: the handler tests are internal to
// package handlers and import apptest.
package apptest

import (
	"context"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/content"
	"github.com/eventmkt/backend/shared/health"
	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
)

// Start is where a test's clock starts: 2026-11-22 12:00 in Seoul.
var Start = time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)

// Options vary a test's app. The zero value is a working app with limits
// off and no channel or messaging remote.
type Options struct {
	// Log receives the app's records; nil: testenv.Logger.
	Log *slog.Logger
	// DB replaces the test's fresh database (a second app over another
	// test app's database); nil: testenv.Postgres with PostgresOptions.
	DB              *postgres.DB
	PostgresOptions []postgres.Option
	// Redis replaces the test's Redis client (a dead one, one with hooks);
	// the key prefix is the test's own either way.
	Redis goredis.UniversalClient
	// UserRedis is the users domain's Redis instead of Redis.
	UserRedis goredis.UniversalClient
	// Probes replace Health's checks.
	Probes []health.Probe
	// AI replaces the client AI_BASE_URL would give (none in tests).
	AI *openai.Client
	// RemoteURL is the base URL of the channels' and the SMS/AlimTalk
	// APIs (a channel simulator, tools/channelsim); "": no remote is set.
	RemoteURL string
	// ChannelTransport carries the channel adapters' calls; nil:
	// http.DefaultTransport.
	ChannelTransport http.RoundTripper
	// Settings adjusts the loaded settings last (a limit a test turns on).
	Settings func(*config.Config)
}

// Names are a test app's own Blob containers and tables.
type Names struct{ Images, Proofs, Exports, Attempts, Notices string }

// App is the app as app.New built it, with what a test needs besides.
type App struct {
	*app.App
	Clock  *testenv.Clock // the domains' clock, at Start
	Prefix string         // the test's Redis key prefix
	Names  Names
}

var (
	rendererOnce sync.Once
	renderer     *content.Renderer
	rendererErr  error
)

// sharedRenderer is one poster renderer for every app of the test binary:
// parsing its fonts takes a while, and it is safe for concurrent use.
func sharedRenderer() (*content.Renderer, error) {
	rendererOnce.Do(func() { renderer, rendererErr = content.NewRenderer() })
	return renderer, rendererErr
}

// Settings are a test app's settings, as config.Load reads them: its own
// containers and tables, a per-test signing key at bcrypt's minimum cost,
// limits off (tests of a limit turn theirs on with Options.Settings), and
// the remotes at remoteURL when it is not "". POSTGRES_URL and REDIS_URL
// are placeholders: New passes the test's own database and Redis to
// app.New.
func Settings(remoteURL string, names Names) map[string]string {
	s := map[string]string{
		"POSTGRES_URL":              testenv.PostgresAdminURL(),
		"REDIS_URL":                 testenv.RedisURL(),
		"STORAGE_CONNECTION_STRING": testenv.StorageConnectionString(),
		"QUEUE_BROKER":              config.BrokerRedis,
		"JWT_SIGNING_KEY":           base64.StdEncoding.EncodeToString([]byte(testenv.Name("signing-key-for-tests-only-"))),
		"BCRYPT_COST":               "4",
		"LOGIN_RATE_PER_IP":         "0", "REGISTER_RATE_PER_IP": "0", "PASSWORD_CHANGES_PER_HOUR": "0", "LOGIN_SLOWDOWN_AFTER": "0",
		"PUBLIC_WEB_URL":       "https://app.example",
		"VIEW_RATE_PER_CLIENT": "0", "AI_PLAN_JOBS_PER_DAY": "0", "AI_POSTER_JOBS_PER_DAY": "0",
		"PARTICIPATION_RATE_PER_CLIENT": "0", "PARTICIPATION_RATE_PER_PHONE": "0",
		"PARTICIPATION_RATE_PER_IPV4_24": "0", "PARTICIPATION_RATE_PER_IPV6_64": "0",
		"IMAGE_CONTAINER":      names.Images,
		"DRAW_PROOF_CONTAINER": names.Proofs,
		"EXPORT_CONTAINER":     names.Exports,
		// Deadlines as deployed, not tuned to an idle machine: under -race on
		// a loaded 2-core box, a publish (the web poster) or an image job took
		// more than 5 s. Tests of deadlines set their own.
		"QUEUE_TIMEOUT_SECONDS":          "60",
		"DISTRIBUTION_ATTEMPT_TABLE":     names.Attempts,
		"DISTRIBUTION_BREAKER_THRESHOLD": "3",
		"MESSAGING_TIMEOUT_SECONDS":      "5",
		"PHONE_VERIFY_SENDS_PER_CLIENT":  "50",
		"WINNER_NOTIFY_MAX_ATTEMPTS":     "3",
		"WINNER_NOTIFY_BACKOFF_SECONDS":  "1",
		"WINNER_NOTIFY_TABLE":            names.Notices,
	}
	if remoteURL == "" {
		return s
	}
	for k, v := range map[string]string{
		"CHANNEL_URIDONGNETV_BASE_URL": remoteURL + "/kt/uridongnetv", "CHANNEL_URIDONGNETV_API_KEY": "k",
		"CHANNEL_RINGOBIZ_BASE_URL": remoteURL + "/kt/ringobiz", "CHANNEL_RINGOBIZ_API_KEY": "k",
		"CHANNEL_GINITV_BASE_URL": remoteURL + "/kt/ginitv", "CHANNEL_GINITV_API_KEY": "k",
		"CHANNEL_INSTAGRAM_BASE_URL": remoteURL + "/instagram/v21.0", "CHANNEL_INSTAGRAM_USER_ID": "17841400000000001", "CHANNEL_INSTAGRAM_ACCESS_TOKEN": "t",
		"CHANNEL_KAKAO_BASE_URL": remoteURL + "/kakao", "CHANNEL_KAKAO_API_KEY": "k", "CHANNEL_KAKAO_CHANNEL_ID": "_test",
		"MESSAGING_SMS_BASE_URL": remoteURL, "MESSAGING_SMS_APP_KEY": "sms-app", "MESSAGING_SMS_SECRET_KEY": "s", "MESSAGING_SMS_SEND_NO": "0212345678",
		"MESSAGING_ALIMTALK_BASE_URL": remoteURL, "MESSAGING_ALIMTALK_APP_KEY": "at-app", "MESSAGING_ALIMTALK_SECRET_KEY": "s",
		"MESSAGING_ALIMTALK_SENDER_KEY":      strings.Repeat("0", 40),
		"MESSAGING_ALIMTALK_TEMPLATE_WINNER": "EVENT_WINNER_01",
	} {
		s[k] = v
	}
	return s
}

// New builds the app for this test with app.New and closes it when the
// test ends (after the draws' proof uploads in flight, before the test's
// containers and tables go).
func New(t testing.TB, o Options) *App {
	t.Helper()
	db := o.DB
	if db == nil {
		db = testenv.Postgres(t, o.PostgresOptions...)
	}
	rdb, prefix := testenv.Redis(t)
	if o.Redis != nil {
		rdb = o.Redis
	}
	log := o.Log
	if log == nil {
		log = testenv.Logger(t)
	}
	blobs, tbl := testenv.Blob(t), testenv.Tables(t)
	names := Names{Images: testenv.Name("images"), Proofs: testenv.Name("proofs"), Exports: testenv.Name("exports"),
		Attempts: testenv.TableName("attempts"), Notices: testenv.TableName("notices")}
	t.Cleanup(func() {
		for _, c := range []string{names.Proofs, names.Exports, names.Images} {
			_, _ = blobs.DeleteContainer(context.Background(), c, nil)
		}
		for _, table := range []string{names.Attempts, names.Notices} {
			_, _ = tbl.DeleteTable(context.Background(), table, nil)
		}
	})
	settings := Settings(o.RemoteURL, names)
	cfg, err := config.Load(func(name string) (string, bool) {
		v, ok := settings[name]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.Settings != nil {
		o.Settings(&cfg)
	}
	r, err := sharedRenderer()
	if err != nil {
		t.Fatal(err)
	}
	clk := testenv.NewClock(Start)
	a, err := app.New(t.Context(), cfg, app.Options{
		Log: log, Now: clk.Now,
		DB: db, Redis: rdb, UserRedis: o.UserRedis, RedisPrefix: prefix, Blobs: blobs, Tables: tbl,
		AI: o.AI, Renderer: r, ChannelTransport: o.ChannelTransport, Probes: o.Probes,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	t.Cleanup(a.Participation.WaitProofs) // runs first
	return &App{App: a, Clock: clk, Prefix: prefix, Names: names}
}
