package bench

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/eventmkt/backend/shared/postgres"
)

// instancesSuite: "300 simulated instances, each with its own pool, through
// PgBouncer with the server capped at 50 connections → 0 connection errors,
// throughput printed" (issue 18, "Connection budget").
//
// Method, to repeat it:
//   - PgBouncer is the local one scripts/services.sh starts (Debian's
//     package, transaction mode, 127.0.0.1:6432, max_db_connections = 50 and
//     default_pool_size = 50: at most 50 server connections to this bench's
//     database whatever the clients do). BENCH_POSTGRES_POOLED_URL points
//     elsewhere (the path is replaced by the bench's database).
//   - An "instance" is what one function app instance holds: its own pgxpool
//     built by postgres.Open (the app's exec mode, cache_describe), MaxConns
//     2, MinConns 0, so nothing is dialled until work arrives. 300 of them
//     are opened, then released at once (a TV spot waking every instance),
//     each running 2 workers that insert 20 participant rows apiece, one
//     autocommitted INSERT per row: 12,000 rows over 600 client connections.
//   - A connection error is any failure to get a connection: a dial or
//     startup failure (pgconn.ConnectError), PgBouncer refusing a client
//     ("no more connections allowed", "query_wait_timeout"), or Postgres
//     SQLSTATE class 08 / 53300 too_many_connections. Other failed inserts
//     are counted apart (they would be a bug, not the budget).
//   - While it runs, a direct connection to the maintenance database samples
//     pg_stat_activity every 20 ms for client backends on the bench's
//     database: the largest count is printed, to show the cap held.
//   - Throughput is rows committed / wall time from release to the last
//     worker. Baseline: the same 12,000 rows from 25 pools × 2 connections
//     straight to Postgres (50 server connections, the same server budget
//     without PgBouncer), so the ratio is PgBouncer's cost (or gain) at equal
//     server connections. 300 pools directly would need 600 server
//     connections: that is the case PgBouncer exists for, not a baseline (it
//     would also exhaust the shared local server).
func instancesSuite(ctx context.Context, env *Env) ([]Row, error) {
	const instances, perPool, workersPer, rowsPer = 300, 2, 2, 20
	const baseInstances = 25
	pooled, err := url.Parse(getenv("BENCH_POSTGRES_POOLED_URL", "postgres://postgres@127.0.0.1:6432/postgres?sslmode=disable"))
	if err != nil {
		return nil, fmt.Errorf("BENCH_POSTGRES_POOLED_URL: %w", err)
	}
	pooled.Path = "/" + env.dbName
	a, err := wire(ctx, env)
	if err != nil {
		return nil, err
	}
	var direct uuid.UUID
	viaBouncer, _, err := liveEvent(ctx, env, a.Users)
	if err == nil {
		direct, _, err = liveEvent(ctx, env, a.Users)
	}
	a.Close() // before the runs: the sampler would count its pool's connections
	if err != nil {
		return nil, err
	}
	total := instances * workersPer * rowsPer
	// The baseline first: afterwards PgBouncer keeps its server connections
	// idle for a while (server_idle_timeout), which the sampler would count.
	base, err := runInstances(ctx, env, env.URL, direct, baseInstances, perPool, total)
	if err != nil {
		return nil, err
	}
	got, err := runInstances(ctx, env, pooled.String(), viaBouncer, instances, perPool, total)
	if err != nil {
		return nil, err
	}
	for _, r := range []instancesResult{base, got} {
		if r.firstErr != nil {
			fmt.Fprintf(os.Stderr, "bench instances: first error: %v\n", r.firstErr)
		}
	}
	const suite = "instances"
	label := fmt.Sprintf("%d instances × pool of %d via PgBouncer (server cap 50), %d rows", instances, perPool, total)
	baseLabel := fmt.Sprintf("%d pools × %d direct", baseInstances, perPool)
	return []Row{
		{Suite: suite, Figure: label + ": connection errors", Value: fmt.Sprint(got.connectErr),
			Baseline: fmt.Sprintf("%d (%s)", base.connectErr, baseLabel), Target: "0"},
		{Suite: suite, Figure: label + ": other errors, rows committed", Value: fmt.Sprintf("%d, %d", got.otherErr, got.rows),
			Baseline: fmt.Sprintf("%d, %d", base.otherErr, base.rows), Target: fmt.Sprintf("0, %d", total)},
		{Suite: suite, Figure: label + ": rows/s", Value: fmt.Sprintf("%.0f", got.rate),
			Baseline: fmt.Sprintf("%.0f (%s)", base.rate, baseLabel), Ratio: fmt.Sprintf("%.2f×", got.rate/base.rate), Target: "printed"},
		{Suite: suite, Figure: label + ": most server connections seen", Value: fmt.Sprint(got.maxServer),
			Baseline: fmt.Sprint(base.maxServer), Target: "≤ 50"},
	}, nil
}

type instancesResult struct {
	connectErr, otherErr, rows int64
	rate                       float64
	maxServer                  int
	firstErr                   error
}

// runInstances opens n pools on dsn, releases them at once and has each of
// their workers insert its share of total rows for event.
func runInstances(ctx context.Context, env *Env, dsn string, event uuid.UUID, n, maxConns, total int) (instancesResult, error) {
	var res instancesResult
	env.DB.Reset() // the scratch pool's idle connections would count as server connections
	pools := make([]*postgres.DB, n)
	for i := range pools {
		db, err := postgres.Open(ctx, dsn, int32(maxConns))
		if err != nil {
			return res, err
		}
		defer db.Close()
		pools[i] = db
	}
	sampler, err := pgx.Connect(ctx, env.admin) // the maintenance database: not counted itself
	if err != nil {
		return res, err
	}
	defer sampler.Close(context.WithoutCancel(ctx))
	stop := make(chan struct{})
	sampled := make(chan int)
	go func() {
		most := 0
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var c int
			if sampler.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`, env.dbName).Scan(&c) == nil && c > most {
				most = c
			}
			select {
			case <-stop:
				sampled <- most
				return
			case <-tick.C:
			}
		}
	}()

	workers := n * maxConns
	per := total / workers
	var connectErr, otherErr, rows atomic.Int64
	var firstErr atomic.Value
	release := make(chan struct{})
	var wg sync.WaitGroup
	prefix := uuid.NewString()[:8]
	for p, db := range pools {
		for w := range maxConns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-release
				for r := range per {
					k := (p*maxConns+w)*per + r
					_, err := db.Exec(ctx, `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, channel, source, store_visited, bonus_entries, agree_privacy)
						VALUES ($1, $2, '참가자', $3, 'MOBILE', 'INSTAGRAM', false, 1, true)`, fmt.Sprintf("%s-%06d", prefix, k), event, fmt.Sprintf("0105%07d", k))
					switch {
					case err == nil:
						rows.Add(1)
					case isConnectionError(err):
						connectErr.Add(1)
						firstErr.CompareAndSwap(nil, err)
					default:
						otherErr.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
				}
			}()
		}
	}
	start := time.Now()
	close(release)
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	res.maxServer = <-sampled
	res.connectErr, res.otherErr, res.rows = connectErr.Load(), otherErr.Load(), rows.Load()
	res.rate = float64(res.rows) / elapsed.Seconds()
	if e, ok := firstErr.Load().(error); ok {
		res.firstErr = e
	}
	return res, nil
}

// isConnectionError reports a failure to obtain a working connection, as
// opposed to a statement that failed on one.
func isConnectionError(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "53300" ||
			strings.Contains(pe.Message, "no more connections allowed") || strings.Contains(pe.Message, "query_wait_timeout")
	}
	return pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded)
}
