package app_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
)

// settings are the minimum serve needs, over the test services.
func settings(t *testing.T, postgresURL string) config.Config {
	t.Helper()
	values := map[string]string{
		"POSTGRES_URL":              postgresURL,
		"REDIS_URL":                 testenv.RedisURL(),
		"STORAGE_CONNECTION_STRING": testenv.StorageConnectionString(),
		"QUEUE_BROKER":              config.BrokerRedis,
		"JWT_SIGNING_KEY":           base64.StdEncoding.EncodeToString([]byte("a-signing-key-for-the-app-tests-only")),
	}
	cfg, err := config.Load(func(name string) (string, bool) { v, ok := values[name]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// With nothing in Options the app opens every client from the settings, as
// serve does, and Close closes them: a served app leaves no pool behind.
func TestNewOpensFromSettingsAndCloseClosesThem(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a, err := app.New(ctx, settings(t, testenv.PostgresAppURL(t)), app.Options{Log: testenv.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	report := a.Health.Run(ctx)
	for _, name := range []string{"postgres", "redis", "blob", "table"} {
		if got := report.Checks[name].Status; got != "ok" {
			t.Errorf("health of %s: %q, want ok (%+v)", name, got, report)
		}
	}
	if a.Broker == nil || a.Publisher != queue.Publisher(a.Broker) {
		t.Errorf("QUEUE_BROKER=redis: publisher %T, broker %v", a.Publisher, a.Broker)
	}
	a.Close()
	a.Close() // twice is harmless
	if err := a.DB.Ping(ctx); err == nil {
		t.Error("the pool New opened is still open after Close")
	}
	if err := a.Redis.Ping(ctx).Err(); err == nil {
		t.Error("the Redis client New opened is still open after Close")
	}
}

// What the caller passes stays the caller's: Close leaves it open. The
// local broker's streams live under RedisPrefix, so a test's or a bench
// run's queues never meet another's.
func TestCallersClientsAndRedisPrefix(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := testenv.Postgres(t)
	rdb, prefix := testenv.Redis(t)
	a, err := app.New(ctx, settings(t, testenv.PostgresAdminURL()), app.Options{Log: testenv.Logger(t), DB: db, Redis: rdb, RedisPrefix: prefix,
		Blobs: testenv.Blob(t), Tables: testenv.Tables(t), Now: func() time.Time { return time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	if a.DB != db || a.Redis != rdb {
		t.Fatal("New did not use the caller's clients")
	}
	msg, err := queue.NewMessage("app-test-1", queue.AnalyticsEvents, "Test", "", map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Publisher.Publish(ctx, msg); err != nil {
		t.Fatal(err)
	}
	stream := a.Broker.Stream(queue.AnalyticsEvents)
	if !strings.HasPrefix(stream, prefix+queue.LocalPrefix) {
		t.Errorf("stream %q is not under %q", stream, prefix+queue.LocalPrefix)
	}
	if n, err := rdb.XLen(ctx, stream).Result(); err != nil || n != 1 {
		t.Errorf("stream %s: %d messages, %v; want 1", stream, n, err)
	}
	a.Close()
	if err := db.Ping(context.Background()); err != nil {
		t.Errorf("the caller's pool was closed: %v", err)
	}
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Errorf("the caller's Redis was closed: %v", err)
	}
}
