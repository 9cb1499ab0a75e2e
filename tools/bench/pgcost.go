package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/handlers"
	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/postgres"
)

// pgcostSuite measures the database work of an accepted entry and the
// flash-traffic rows of issue 18 (`handler bench pgcost` runs it alone).
// Every phase gets its own fresh database (newEnv: CREATE DATABASE and the
// migrations, dropped at the end), so the phases neither see each other's
// rows nor share indexes, and the Postgres backends of a phase are exactly
// the ones connected to its database.
//
//   - cost: 20,000 submits, every tenth a phone used five submits earlier
//     (10% duplicates), at c=64, through participation.Service.Submit (the
//     real service as `serve` wires it, no HTTP), and after the last one the
//     outbox drained (its relay's updates are part of an entry's cost).
//     Baseline: the same accepted rows as plain single-row INSERTs
//     (autocommit, one statement each) at c=64 into another fresh database.
//     Figures per accepted entry:
//     Postgres CPU: the bench runs on the same machine as Postgres and reads
//     utime+stime (clock ticks, USER_HZ = 100 on Linux) from
//     /proc/<pid>/stat of every backend pg_stat_activity lists for the
//     phase's database, before and after (a backend started during the run
//     counts from 0). The server's shared processes (walwriter,
//     checkpointer, background writer) are left out: other databases on the
//     server use them too. Commit flushes (XLogFlush) run in the backend
//     and are counted. When /proc/<pid>/stat of our own backend cannot be
//     read or is not a postgres process (another machine, a container), the
//     figure prints "n/a".
//     WAL: the WAL records of the phase's transactions, read back with
//     pg_walinspect (pg_get_wal_records_info between pg_current_wal_lsn()
//     before and after): records touching a relation of the phase's
//     database (block_ref "rel spc/db/rel") and every record of the same
//     transaction ids (their commits). The server-wide
//     pg_wal_lsn_diff(after, before) is printed beside it: it includes
//     whatever other databases wrote meanwhile. Without pg_walinspect only
//     the server-wide figure is printed.
//     Redis round trips: a go-redis hook (rtCounter) on the client the
//     wired services use counts one round trip per Process and per
//     ProcessPipeline call. Each Submit runs under its own counter: the
//     calls of the accepted ones, divided by their number, are the hot path
//     (target 1), with the share of them that made exactly one (the rest:
//     the first submits of an event this process has not seen live yet
//     read before they write, 2); a refused duplicate's are printed apart
//     (its refusal may take a second call, SET of the fast-path key). All calls on the
//     client during the phase (the outbox relay's XADDs included) are
//     printed as information.
//   - burst: 5,000 submits over HTTP (10% duplicates, each racing the entry
//     it duplicates) on 256 workers held at a barrier and released at once.
//     Errors are answers other than 201 and 409 (or no answer); the table is
//     checked after: rows = 201 answers = distinct phones, and every 201's
//     participant id is in the table (none lost, none extra).
//   - e2e: 20,000 submits over HTTP (loopback, the handler as `serve` wires
//     it) at c=64, as the cost phase; submits/s beside the baseline's plain
//     INSERT rows/s, and p99 (target 50 ms). Information on a shared box:
//     the load generator, the app, Redis and Postgres share its cores.
func pgcostSuite(ctx context.Context, _ *Env) ([]Row, error) {
	const total, workers = 20000, 64
	cost, err := costPhase(ctx, total, workers)
	if err != nil {
		return nil, fmt.Errorf("cost: %w", err)
	}
	base, err := insertPhase(ctx, cost.rows, workers)
	if err != nil {
		return nil, fmt.Errorf("plain INSERT: %w", err)
	}
	burst, err := burstPhase(ctx, 5000, 256)
	if err != nil {
		return nil, fmt.Errorf("burst: %w", err)
	}
	e2e, err := e2ePhase(ctx, total, workers)
	if err != nil {
		return nil, fmt.Errorf("e2e: %w", err)
	}
	accepted := float64(cost.accepted)
	rows := []Row{}
	cpu := Row{Suite: "pgcost", Figure: fmt.Sprintf("Postgres CPU s / 1,000 entries (backends' /proc utime+stime), %d submits 10%% dup, c=%d, Submit", total, workers),
		Value: "n/a", Baseline: "n/a", Ratio: "n/a", Target: "<= 0.5"}
	if cost.cpu.ok && base.cpu.ok {
		v, b := cost.cpu.seconds/accepted*1000, base.cpu.seconds/float64(base.n)*1000
		cpu.Value, cpu.Baseline, cpu.Ratio = fmt.Sprintf("%.3f s", v), fmt.Sprintf("%.3f s (plain INSERT)", b), fmt.Sprintf("%.2f", v/b)
	} else {
		cpu.Figure += " (" + cmp.Or(cost.cpu.reason, base.cpu.reason) + ")"
	}
	rows = append(rows, cpu)
	wal := Row{Suite: "pgcost", Figure: "WAL bytes / entry (pg_walinspect, the phase's records)", Target: "printed"}
	if cost.wal.attributed >= 0 && base.wal.attributed >= 0 {
		v, b := float64(cost.wal.attributed)/accepted, float64(base.wal.attributed)/float64(base.n)
		wal.Value, wal.Baseline, wal.Ratio = fmt.Sprintf("%.0f B", v), fmt.Sprintf("%.0f B (plain INSERT)", b), fmt.Sprintf("%.2f", v/b)
	} else {
		wal.Value, wal.Baseline = "n/a", "n/a"
		wal.Figure += " (" + cmp.Or(cost.wal.reason, base.wal.reason) + ")"
	}
	rows = append(rows, wal,
		Row{Suite: "pgcost", Figure: "WAL bytes / entry, server-wide pg_wal_lsn_diff (other databases' writes included)",
			Value: fmt.Sprintf("%.0f B", float64(cost.wal.server)/accepted), Baseline: fmt.Sprintf("%.0f B (plain INSERT)", float64(base.wal.server)/float64(base.n)),
			Ratio: fmt.Sprintf("%.2f", float64(cost.wal.server)/accepted/(float64(base.wal.server)/float64(base.n))), Target: "printed"},
		Row{Suite: "pgcost", Figure: "Redis round trips / accepted submit (hook; the calls under each accepted Submit's own context); share with exactly 1",
			Value: fmt.Sprintf("%.3f; %.1f%%", float64(cost.redisHot)/accepted, float64(cost.redisOne)/accepted*100), Target: "1"},
		Row{Suite: "pgcost", Figure: "Redis round trips / refused duplicate (its own calls)",
			Value: fmt.Sprintf("%.2f", float64(cost.redisDup)/float64(max(cost.dup, 1))), Target: "information"},
		Row{Suite: "pgcost", Figure: "Redis round trips / accepted submit, all calls on the client (outbox relay included)",
			Value: fmt.Sprintf("%.2f", float64(cost.redisAll)/accepted), Target: "information"},
		Row{Suite: "pgcost", Figure: fmt.Sprintf("Submit (service) throughput / p99, c=%d", workers),
			Value:    fmt.Sprintf("%.0f/s / %s", float64(total)/cost.wall.Seconds(), ms(percentile(cost.lat, 0.99))),
			Baseline: fmt.Sprintf("%.0f rows/s (plain INSERT)", float64(base.n)/base.wall.Seconds()), Target: "information"},
		Row{Suite: "pgcost", Figure: fmt.Sprintf("burst: %d submits released at once, c=%d (HTTP): errors / lost / duplicated; p99", burst.n, burst.workers),
			Value: fmt.Sprintf("%d / %d / %d; p99 %s", burst.errors, burst.lost, burst.duplicated, ms(percentile(burst.lat, 0.99))), Target: "0 / 0 / 0, p99 printed"},
		Row{Suite: "pgcost", Figure: fmt.Sprintf("end-to-end: %d submits (10%% dup), c=%d, HTTP over loopback: submits/s; p99 (errors)", total, workers),
			Value:    fmt.Sprintf("%.0f/s; p99 %s (%d)", float64(total)/e2e.wall.Seconds(), ms(percentile(e2e.lat, 0.99)), e2e.errors),
			Baseline: fmt.Sprintf("%.0f rows/s (plain INSERT)", float64(base.n)/base.wall.Seconds()),
			Ratio:    fmt.Sprintf("%.2f", float64(total)/e2e.wall.Seconds()/(float64(base.n)/base.wall.Seconds())), Target: "p99 <= 50 ms"},
	)
	return rows, nil
}

// entryRow is one accepted entry as Submit writes it, for the baseline.
type entryRow struct {
	phone   string
	visited bool
}

// submissions returns n submissions, every dupEvery-th repeating the phone
// of the one five earlier; every third phone brings the day's visit code.
func submissions(n, dupEvery int, visitCode string) ([]participation.Submission, []entryRow) {
	subs := make([]participation.Submission, n)
	var unique []entryRow
	for i := range n {
		p := i
		if i%dupEvery == dupEvery-1 {
			p = i - 5
		}
		code := ""
		if p%3 == 0 {
			code = visitCode
		}
		subs[i] = participation.Submission{Name: "참가자", PhoneNumber: fmt.Sprintf("0107%07d", p), AgreePrivacy: true, VisitCode: code, Channel: "MOBILE", Source: "INSTAGRAM"}
		if p == i {
			unique = append(unique, entryRow{phone: subs[i].PhoneNumber, visited: code != ""})
		}
	}
	return subs, unique
}

// drive runs n jobs on c workers held at a barrier until every worker is
// ready, then released together; it returns each job's latency and the
// wall time from the release.
func drive(n, c int, job func(i int)) ([]time.Duration, time.Duration) {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for range c {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				job(i)
				lat[i] = time.Since(t0)
			}
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	done.Wait()
	return lat, time.Since(t0)
}

// rtCounter is a go-redis hook counting round trips: one per Process (a
// command, a script's EVALSHA or its EVAL fallback each) and one per
// ProcessPipeline (a pipeline or MULTI/EXEC). A new connection's set-up
// (HELLO, SELECT, CLIENT SETINFO, AUTH) also passes the hooks, under the
// context of the call that dialed; it is per connection, not per submit,
// and is not counted. all counts every call on the client; a call whose
// context carries a *atomic.Int64 under hotKey{} also counts there.
type rtCounter struct{ all atomic.Int64 }

type hotKey struct{}

func (h *rtCounter) count(ctx context.Context, cmd goredis.Cmder) {
	switch cmd.Name() {
	case "hello", "select", "client", "auth":
		return
	}
	h.all.Add(1)
	if c, ok := ctx.Value(hotKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
}

func (h *rtCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h *rtCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		h.count(ctx, cmd)
		return next(ctx, cmd)
	}
}

func (h *rtCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		if len(cmds) > 0 {
			c := cmds[0]
			if c.Name() == "multi" && len(cmds) > 1 { // MULTI/EXEC: its first real command
				c = cmds[1]
			}
			h.count(ctx, c)
		}
		return next(ctx, cmds)
	}
}

// cpuUse is the Postgres CPU time of one phase's backends.
type cpuUse struct {
	ok      bool
	reason  string // why not
	seconds float64
}

// walUse is the WAL one phase wrote: attributed to its database with
// pg_walinspect (-1: unavailable, reason says why), and server-wide.
type walUse struct {
	attributed int64
	server     int64
	reason     string
}

// probe reads a phase's Postgres counters before and after its run.
type probe struct {
	env   *Env
	slot  *pgxpool.Conn // holds the temporary replication slot
	ticks map[int]int64 // backend pid -> utime+stime at the start
	lsn   string
	err   string
}

// procTicks is utime+stime of a process in clock ticks (fields 14 and 15
// of /proc/<pid>/stat, counted after the command name's closing paren).
func procTicks(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + st, errors.Join(err1, err2)
}

// backendTicks reads the CPU ticks of every backend of the env's database.
func (p *probe) backendTicks(ctx context.Context) (map[int]int64, error) {
	rows, err := p.env.DB.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int]int64{}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			return nil, err
		}
		if t, err := procTicks(pid); err == nil { // a backend that just exited
			m[pid] = t
		}
	}
	return m, rows.Err()
}

// startProbe checks that the server's processes are readable here (our
// own backend's /proc/<pid>/comm is "postgres"), then records the CPU
// ticks and the WAL position; pg_walinspect is created in the phase's
// database when the server has it.
func startProbe(ctx context.Context, env *Env) (*probe, error) {
	p := &probe{env: env}
	var pid int
	if err := env.DB.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		return nil, err
	}
	if comm, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); err != nil || strings.TrimSpace(string(comm)) != "postgres" {
		p.err = "Postgres's processes are not readable in /proc on this machine"
	}
	// A temporary physical replication slot keeps the run's WAL from being
	// recycled by a checkpoint before pg_walinspect reads it (dropped in
	// stop, or with its session).
	_, _ = env.DB.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_walinspect`)
	if c, err := env.DB.Acquire(ctx); err == nil {
		if _, err := c.Exec(ctx, `SELECT pg_create_physical_replication_slot($1, true, true)`, env.dbName); err != nil {
			c.Release()
		} else {
			p.slot = c
		}
	}
	if p.err == "" {
		t, err := p.backendTicks(ctx)
		if err != nil {
			return nil, err
		}
		p.ticks = t
	}
	return p, env.DB.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&p.lsn)
}

// stop reads the counters again (CPU first, so the WAL inspection's own
// work is not counted).
func (p *probe) stop(ctx context.Context) (cpuUse, walUse, error) {
	cpu := cpuUse{reason: p.err}
	if p.err == "" {
		after, err := p.backendTicks(ctx)
		if err != nil {
			return cpu, walUse{}, err
		}
		var d int64
		for pid, t := range after {
			d += t - p.ticks[pid]
		}
		cpu = cpuUse{ok: true, seconds: float64(d) / 100} // USER_HZ
	}
	var end string
	wal := walUse{attributed: -1}
	if err := p.env.DB.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text, pg_wal_lsn_diff(pg_current_wal_lsn(), $1::text::pg_lsn)::bigint`, p.lsn).
		Scan(&end, &wal.server); err != nil {
		return cpu, wal, err
	}
	// pg_walinspect reads only flushed WAL: wait (up to 2 s; the walwriter
	// flushes every wal_writer_delay) until the end position is flushed.
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var flushed bool
		if err := p.env.DB.QueryRow(ctx, `SELECT pg_current_wal_flush_lsn() >= $1::text::pg_lsn`, end).Scan(&flushed); err != nil || flushed || time.Now().After(deadline) {
			break
		}
	}
	err := p.env.DB.QueryRow(ctx, `WITH r AS (SELECT xid, record_length, block_ref FROM pg_get_wal_records_info($1::text::pg_lsn, $2::text::pg_lsn)),
		ours AS (SELECT * FROM r WHERE block_ref ~ ('rel [0-9]+/' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '/'))
		SELECT coalesce(sum(record_length), 0)::bigint FROM r
		WHERE block_ref ~ ('rel [0-9]+/' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '/')
		   OR (xid <> '0' AND xid IN (SELECT xid FROM ours WHERE xid <> '0'))`, p.lsn, end).Scan(&wal.attributed)
	if err != nil {
		wal.attributed, wal.reason = -1, "pg_walinspect unavailable: "+firstLine(err.Error())
	}
	if err == nil && os.Getenv("BENCH_PGCOST_DETAIL") != "" {
		p.walDetail(ctx, end)
	}
	p.close(ctx)
	return cpu, wal, nil
}

// walDetail prints the phase's WAL by relation and record type to stderr
// (BENCH_PGCOST_DETAIL=1), for finding where an entry's bytes go.
func (p *probe) walDetail(ctx context.Context, end string) {
	rows, err := p.env.DB.Query(ctx, `WITH r AS (SELECT resource_manager, record_type, record_length, fpi_length,
			substring(block_ref FROM 'rel [0-9]+/' || (SELECT oid FROM pg_database WHERE datname = current_database()) || '/([0-9]+)')::oid AS node
			FROM pg_get_wal_records_info($1::text::pg_lsn, $2::text::pg_lsn))
		SELECT coalesce(c.relname, r.node::text, '-'), r.resource_manager || '/' || r.record_type, count(*), sum(r.record_length)::bigint, sum(r.fpi_length)::bigint
		FROM r LEFT JOIN pg_class c ON c.relfilenode = r.node WHERE r.node IS NOT NULL OR r.resource_manager = 'Transaction'
		GROUP BY 1, 2 ORDER BY 4 DESC LIMIT 15`, p.lsn, end)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wal detail:", err)
		return
	}
	defer rows.Close()
	fmt.Fprintf(os.Stderr, "WAL of %s by relation and record (count, bytes, of which full-page images):\n", p.env.dbName)
	for rows.Next() {
		var rel, rec string
		var n, bytes, fpi int64
		if rows.Scan(&rel, &rec, &n, &bytes, &fpi) == nil {
			fmt.Fprintf(os.Stderr, "  %-40s %-28s %8d %12d %12d\n", rel, rec, n, bytes, fpi)
		}
	}
}

// close drops the replication slot and gives its connection back (again:
// nothing).
func (p *probe) close(ctx context.Context) {
	if p.slot != nil {
		_, _ = p.slot.Exec(ctx, `SELECT pg_drop_replication_slot($1)`, p.env.dbName)
		p.slot.Release()
		p.slot = nil
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

type costResult struct {
	accepted, dup      int
	rows               []entryRow
	lat                []time.Duration
	wall               time.Duration
	cpu                cpuUse
	wal                walUse
	redisHot, redisDup int64 // round trips of accepted submits, of refused duplicates
	redisOne           int64 // accepted submits that made exactly one
	redisAll           int64
}

// costPhase: the cost run (see pgcostSuite).
func costPhase(ctx context.Context, total, workers int) (costResult, error) {
	env, err := newEnv(ctx)
	if err != nil {
		return costResult{}, err
	}
	defer env.Close(context.WithoutCancel(ctx))
	hook := &rtCounter{}
	env.Redis.AddHook(hook)
	svc, err := wire(ctx, env)
	if err != nil {
		return costResult{}, err
	}
	defer svc.Close()
	id, o, err := liveEvent(ctx, env, svc.Users)
	if err != nil {
		return costResult{}, err
	}
	visit, err := svc.Events.VisitCode(ctx, o.Caller, id)
	if err != nil {
		return costResult{}, err
	}
	subs, unique := submissions(total, 10, visit.Code)
	p, err := startProbe(ctx, env)
	if err != nil {
		return costResult{}, err
	}
	defer p.close(context.WithoutCancel(ctx))
	allBefore := hook.all.Load()
	var accepted, dup, failed, hotAccepted, hotDup, oneTrip atomic.Int64
	var firstErr atomic.Value
	lat, wall := drive(total, workers, func(i int) {
		var rt atomic.Int64 // this submit's own round trips
		_, err := svc.Participation.Submit(context.WithValue(ctx, hotKey{}, &rt), id, subs[i])
		switch {
		case err == nil:
			accepted.Add(1)
			hotAccepted.Add(rt.Load())
			if rt.Load() == 1 {
				oneTrip.Add(1)
			}
		case apperr.As(err).Code == participation.CodeDuplicate:
			dup.Add(1)
			hotDup.Add(rt.Load())
		default:
			failed.Add(1)
			firstErr.CompareAndSwap(nil, err.Error())
		}
	})
	if n := failed.Load(); n > 0 {
		return costResult{}, fmt.Errorf("%d submits failed, first: %v", n, firstErr.Load())
	}
	if os.Getenv("BENCH_PGCOST_DETAIL") != "" { // the submits' CPU, before the relay's tail
		if t, err := p.backendTicks(ctx); err == nil {
			var d int64
			for pid, n := range t {
				d += n - p.ticks[pid]
			}
			fmt.Fprintf(os.Stderr, "pgcost: backends' CPU at the last submit %.2f s (then the outbox drains)\n", float64(d)/100)
		}
	}
	if err := drainOutbox(ctx, env.DB); err != nil {
		return costResult{}, err
	}
	res := costResult{accepted: int(accepted.Load()), dup: int(dup.Load()), rows: unique, lat: lat, wall: wall,
		redisHot: hotAccepted.Load(), redisDup: hotDup.Load(), redisOne: oneTrip.Load(), redisAll: hook.all.Load() - allBefore}
	if res.cpu, res.wal, err = p.stop(ctx); err != nil {
		return costResult{}, err
	}
	if res.accepted != len(unique) {
		return costResult{}, fmt.Errorf("%d accepted of %d unique phones", res.accepted, len(unique))
	}
	return res, nil
}

// drainOutbox waits (up to a minute) until the relay has sent every
// outbox message.
func drainOutbox(ctx context.Context, db *postgres.DB) error {
	for deadline := time.Now().Add(time.Minute); ; {
		var left int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM outbox.messages WHERE sent_at IS NULL`).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("outbox: %d messages still unsent after a minute", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type insertResult struct {
	n    int
	wall time.Duration
	cpu  cpuUse
	wal  walUse
}

// insertPhase: the baseline, the cost run's accepted rows as plain
// single-row INSERTs at the same concurrency into a fresh database.
func insertPhase(ctx context.Context, rows []entryRow, workers int) (insertResult, error) {
	env, err := newEnv(ctx)
	if err != nil {
		return insertResult{}, err
	}
	defer env.Close(context.WithoutCancel(ctx))
	p, err := startProbe(ctx, env)
	if err != nil {
		return insertResult{}, err
	}
	defer p.close(context.WithoutCancel(ctx))
	eventID := [16]byte(uuid.New())
	day := time.Now().Format("20060102")
	var failed atomic.Int64
	_, wall := drive(len(rows), workers, func(i int) {
		r := rows[i]
		bonus := participation.BonusEntries(r.visited)
		now := time.Now()
		if _, err := env.DB.Exec(ctx, `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, channel, source,
			store_visited, bonus_entries, agree_marketing, agree_privacy, created_at, updated_at)
			VALUES ($1, $2, '참가자', $3, 'MOBILE', 'INSTAGRAM', $4, $5, false, true, $6, $6)`,
			fmt.Sprintf("%s-%06d", day, i+1), eventID, r.phone, r.visited, bonus, now); err != nil {
			failed.Add(1)
		}
	})
	if n := failed.Load(); n > 0 {
		return insertResult{}, fmt.Errorf("%d inserts failed", n)
	}
	res := insertResult{n: len(rows), wall: wall}
	res.cpu, res.wal, err = p.stop(ctx)
	return res, err
}

// httpRun is a run of submits over HTTP.
type httpRun struct {
	n, workers int
	lat        []time.Duration
	wall       time.Duration
	status     []int
	pids       []string
	errors     int
	eventID    uuid.UUID
	env        *Env
}

// httpSubmits posts the submissions to the handler as `serve` wires it on
// a fresh database; the caller closes run.env.
func httpSubmits(ctx context.Context, total, workers int) (*httpRun, error) {
	env, err := newEnv(ctx)
	if err != nil {
		return nil, err
	}
	run := &httpRun{n: total, workers: workers, env: env, status: make([]int, total), pids: make([]string, total)}
	svc, err := wire(ctx, env)
	if err != nil {
		return run, err
	}
	defer svc.Close()
	id, o, err := liveEvent(ctx, env, svc.Users)
	if err != nil {
		return run, err
	}
	run.eventID = id
	visit, err := svc.Events.VisitCode(ctx, o.Caller, id)
	if err != nil {
		return run, err
	}
	subs, _ := submissions(total, 10, visit.Code)
	bodies := make([][]byte, total)
	for i, s := range subs {
		bodies[i], _ = json.Marshal(map[string]any{"name": s.Name, "phoneNumber": s.PhoneNumber, "agreePrivacy": true,
			"visitCode": s.VisitCode, "channel": s.Channel, "source": s.Source})
	}
	ts := httptest.NewServer(handlers.New(svc))
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}
	url := ts.URL + "/api/v1/events/" + id.String() + "/participate"
	var errs atomic.Int64
	run.lat, run.wall = drive(total, workers, func(i int) {
		resp, err := client.Post(url, "application/json", bytes.NewReader(bodies[i]))
		if err != nil {
			errs.Add(1)
			return
		}
		defer resp.Body.Close()
		run.status[i] = resp.StatusCode
		switch resp.StatusCode {
		case http.StatusCreated:
			var r participation.Receipt
			if json.NewDecoder(resp.Body).Decode(&r) != nil {
				errs.Add(1)
			}
			run.pids[i] = r.ParticipantID
		case http.StatusConflict:
			_, _ = io.Copy(io.Discard, resp.Body)
		default:
			errs.Add(1)
		}
	})
	run.errors = int(errs.Load())
	return run, nil
}

type burstResult struct {
	*httpRun
	lost, duplicated int
}

// burstPhase: the burst run, then the table checked against the answers.
func burstPhase(ctx context.Context, total, workers int) (burstResult, error) {
	run, err := httpSubmits(ctx, total, workers)
	if run != nil && run.env != nil {
		defer run.env.Close(context.WithoutCancel(ctx))
	}
	if err != nil {
		return burstResult{}, err
	}
	answered := map[string]bool{}
	for _, pid := range run.pids {
		if pid != "" {
			answered[pid] = true
		}
	}
	rows, err := run.env.DB.Query(ctx, `SELECT participant_id FROM participation.participants WHERE event_id = $1`, run.eventID)
	if err != nil {
		return burstResult{}, err
	}
	stored := map[string]bool{}
	n := 0
	for rows.Next() {
		var pid string
		if err := rows.Scan(&pid); err != nil {
			rows.Close()
			return burstResult{}, err
		}
		stored[pid] = true
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return burstResult{}, err
	}
	var phones int
	if err := run.env.DB.QueryRow(ctx, `SELECT count(DISTINCT phone_number) FROM participation.participants WHERE event_id = $1`, run.eventID).Scan(&phones); err != nil {
		return burstResult{}, err
	}
	res := burstResult{httpRun: run}
	for pid := range answered {
		if !stored[pid] {
			res.lost++ // answered 201, not in the table
		}
	}
	res.duplicated = n - phones // two rows for one phone
	for pid := range stored {
		if !answered[pid] {
			res.duplicated++ // a row nobody was told about
		}
	}
	return res, nil
}

// e2ePhase: the end-to-end run.
func e2ePhase(ctx context.Context, total, workers int) (*httpRun, error) {
	run, err := httpSubmits(ctx, total, workers)
	if run != nil && run.env != nil {
		defer run.env.Close(context.WithoutCancel(ctx))
	}
	return run, err
}
