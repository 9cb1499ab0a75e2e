package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/app"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/redis"
)

// Env is a scratch slice of the local services for one bench run: its own
// database (dropped at the end) and Redis database 2.
type Env struct {
	DB     *postgres.DB
	URL    string
	Redis  goredis.UniversalClient
	Log    *slog.Logger
	admin  string
	dbName string
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newEnv(ctx context.Context) (*Env, error) {
	admin := getenv("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "eventmkt_bench_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return nil, fmt.Errorf("bench: Postgres: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, err
	}
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	e := &Env{URL: u.String(), admin: admin, dbName: name, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mc, err := pgx.Connect(ctx, e.URL)
	if err != nil {
		return nil, err
	}
	_, err = postgres.Migrate(ctx, mc, e.Log)
	mc.Close(ctx)
	if err != nil {
		return nil, err
	}
	if e.DB, err = postgres.Open(ctx, e.URL, 80); err != nil {
		return nil, err
	}
	if e.Redis, err = redis.Open(getenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"), false); err != nil {
		return nil, err
	}
	return e, nil
}

// Close drops the scratch database.
func (e *Env) Close(ctx context.Context) {
	e.DB.Close()
	e.Redis.Close()
	if conn, err := pgx.Connect(ctx, e.admin); err == nil {
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+e.dbName+" WITH (FORCE)")
		conn.Close(ctx)
	}
}

// wire builds the app as `serve` does (app.New, with the settings serve
// reads: local.settings.json, else the example) on the scratch database,
// through its own pool sized by POSTGRES_MAX_CONNS as deployed (the
// baselines use the 80-connection scratch pool, which only makes them
// faster). So the bench measures the group commit, pool and limits as
// deployed, with three exceptions a load generator needs: one client
// address sends every entry, so the per-client, per-phone and per-network
// entry limits are off; one owner starts every plan job, so the daily job
// quotas are off; and passwords are hashed at bcrypt's minimum cost (the
// login suite measures bcrypt on its own). Redis keys and streams go under
// a prefix of this run. adjust, if any, changes the settings a suite needs
// (the distribution suite's channel simulator). The caller closes the app.
func wire(ctx context.Context, env *Env, adjust ...func(*config.Config)) (*app.App, error) {
	lookup, err := config.WithLocalSettings(config.LocalSettingsPath("."))
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return nil, err
	}
	cfg.PostgresURL, cfg.PostgresDirectURL = env.URL, env.URL
	cfg.RatePerClient, cfg.RatePerPhone, cfg.RatePerIPv4Net, cfg.RatePerIPv6Net = 0, 0, 0, 0
	cfg.PlanJobsPerDay, cfg.PosterJobsPerDay = 0, 0
	cfg.BcryptCost = 4
	cfg.DrawProofContainer = "bench-proofs"
	for _, f := range adjust {
		f(&cfg)
	}
	return app.New(ctx, cfg, app.Options{Log: env.Log, Redis: env.Redis, RedisPrefix: "bench:" + uuid.NewString()[:8] + ":"})
}
