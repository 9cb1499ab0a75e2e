// Package testenv gives each test its own isolated slice of the real local
// services: a fresh Postgres database cloned from a migrated template, a Redis
// key prefix, and uniquely named storage containers and tables. Tests run in
// parallel and never see each other's data.
//
// Addresses come from TEST_POSTGRES_URL (a maintenance database URL),
// TEST_REDIS_URL and TEST_STORAGE_CONNECTION_STRING, defaulting to the local
// services that `make test` starts. When TEST_POSTGRES_URL_POOLED is set (the
// local PgBouncer in transaction mode, 127.0.0.1:6432), the pools Postgres
// returns go through it, as the app's do on Azure; databases are still
// created, migrated and dropped over the direct URL.
package testenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/jackc/pgx/v5"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/redis"
	"github.com/eventmkt/backend/shared/tables"
)

// AzuriteConnectionString is Azurite's well-known development account.
const AzuriteConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
	"AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
	"BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
	"TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// PostgresAdminURL is the maintenance database tests create their databases from.
func PostgresAdminURL() string {
	return env("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
}

// RedisURL is the Redis tests use (database 1, away from a local run's 0).
func RedisURL() string { return env("TEST_REDIS_URL", "redis://127.0.0.1:6379/1") }

// StorageConnectionString is the storage account tests use.
func StorageConnectionString() string {
	return env("TEST_STORAGE_CONNECTION_STRING", AzuriteConnectionString)
}

// Name returns a short random name with the given prefix, safe for databases,
// containers (lower-case) and tables (alphanumeric).
func Name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Logger returns a logger for code under test; set TEST_LOG=1 to see it.
func Logger(t testing.TB) *slog.Logger {
	if os.Getenv("TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// withDatabase returns the admin URL pointed at another database.
func withDatabase(admin, db string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic("testenv: TEST_POSTGRES_URL must be a URL: " + err.Error())
	}
	u.Path = "/" + db
	return u.String()
}

// template builds (once per migration set, across processes) a database with
// every migration applied, for tests to clone.
func template(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		migrations, err := postgres.Migrations()
		if err != nil {
			templateErr = err
			return
		}
		h := sha256.New()
		for _, m := range migrations {
			fmt.Fprintf(h, "%s\n%s\n", m.Name, m.SQL)
		}
		sum := h.Sum(nil)
		templateName = "eventmkt_tmpl_" + hex.EncodeToString(sum[:6])
		templateErr = buildTemplate(ctx, templateName, int64(binary.BigEndian.Uint64(sum[:8])))
	})
	return templateName, templateErr
}

func buildTemplate(ctx context.Context, name string, lockKey int64) error {
	admin, err := pgx.Connect(ctx, PostgresAdminURL())
	if err != nil {
		return fmt.Errorf("testenv: Postgres is not reachable at %s (run `make services`): %w", PostgresAdminURL(), err)
	}
	defer admin.Close(ctx)
	// Parallel test processes build the template once.
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return err
	}
	defer admin.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	// Templates of older migration sets are dead weight, once nobody could be
	// using them: another checkout (a branch with other migrations) may be
	// testing from its own template right now, so only those built over a
	// day ago go (the build time is the database's comment).
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database
		WHERE datname LIKE 'eventmkt_tmpl_%' AND datname <> $1
		  AND coalesce(substring(shobj_description(oid, 'pg_database') from '^built (\d+)$')::bigint, 0) < extract(epoch FROM now() - interval '1 day')`, name)
	if err == nil {
		old, _ := pgx.CollectRows(rows, pgx.RowTo[string])
		for _, db := range old {
			_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)")
		}
	}
	building := name + "_build"
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{building}.Sanitize()+" WITH (FORCE)")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{building}.Sanitize()); err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, withDatabase(PostgresAdminURL(), building))
	if err != nil {
		return err
	}
	_, err = postgres.Migrate(ctx, conn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	conn.Close(ctx)
	if err != nil {
		return fmt.Errorf("testenv: migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{building}.Sanitize()+" RENAME TO "+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	_, err = admin.Exec(ctx, fmt.Sprintf("COMMENT ON DATABASE %s IS 'built %d'", pgx.Identifier{name}.Sanitize(), time.Now().Unix()))
	return err
}

// PostgresPooledURL is the PgBouncer (transaction mode) address of the
// maintenance database, or "" when tests connect directly.
func PostgresPooledURL() string { return os.Getenv("TEST_POSTGRES_URL_POOLED") }

// PostgresURL creates a fresh, fully migrated database for this test and
// returns its direct URL (session features work on it: advisory locks,
// migrations); the database is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return withDatabase(PostgresAdminURL(), createDatabase(t))
}

// PostgresAppURL is like PostgresURL but returns the URL the app's pool
// would use: through PgBouncer when TEST_POSTGRES_URL_POOLED is set.
func PostgresAppURL(t testing.TB) string {
	t.Helper()
	name := createDatabase(t)
	if pooled := PostgresPooledURL(); pooled != "" {
		return withDatabase(pooled, name)
	}
	return withDatabase(PostgresAdminURL(), name)
}

func createDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tmpl, err := template(ctx)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	name := Name("eventmkt_t_")
	admin, err := pgx.Connect(ctx, PostgresAdminURL())
	if err != nil {
		t.Fatalf("testenv: Postgres is not reachable (run `make services`): %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := pgx.Connect(ctx, PostgresAdminURL())
		if err != nil {
			t.Errorf("testenv: drop %s: %v", name, err)
			return
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop %s: %v", name, err)
		}
	})
	return name
}

// Postgres returns a pool on a fresh, fully migrated database for this test,
// through PgBouncer when TEST_POSTGRES_URL_POOLED is set.
func Postgres(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), PostgresAppURL(t), 20, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close) // registered after the drop, so it runs before it
	return db
}

// RedisCluster is the seed addresses of the Redis Cluster tests use instead
// of the single node (TEST_REDIS_CLUSTER, comma-separated host:port, e.g. the
// local 3-master cluster scripts/services.sh starts on 127.0.0.1:7001-7003),
// or "" for the single node. `make test` runs the Redis-using packages a
// second time with it set, so a multi-key command, transaction or script
// whose keys span hash slots fails there with CROSSSLOT.
func RedisCluster() string { return os.Getenv("TEST_REDIS_CLUSTER") }

// RedisClient opens a client of the kind the tests use (a cluster client
// when TEST_REDIS_CLUSTER is set, else RedisURL's database), closed when the
// test ends; for tests that install their own hooks. Keys it writes are the
// test's to clean up (use the prefix from Redis).
func RedisClient(t testing.TB) goredis.UniversalClient {
	t.Helper()
	raw, cluster := RedisURL(), false
	if addrs := RedisCluster(); addrs != "" {
		cluster = true
		list := strings.Split(addrs, ",")
		q := url.Values{}
		for _, a := range list[1:] {
			q.Add("addr", strings.TrimSpace(a))
		}
		raw = (&url.URL{Scheme: "redis", Host: strings.TrimSpace(list[0]), RawQuery: q.Encode()}).String()
	}
	rdb, err := redis.Open(raw, cluster)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		t.Fatalf("testenv: Redis is not reachable at %s (run `make services`): %v", raw, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// Redis returns a client and a key prefix unique to this test; keys under the
// prefix are deleted when the test ends. The client is a cluster client when
// TEST_REDIS_CLUSTER is set.
func Redis(t testing.TB) (goredis.UniversalClient, string) {
	t.Helper()
	rdb := RedisClient(t)
	prefix := Name("t") + ":"
	t.Cleanup(func() { // registered after the Close, so it runs before it
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		keys, _ := RedisKeys(ctx, rdb, prefix+"*")
		for _, k := range keys {
			rdb.Del(ctx, k) // one key a call: keys of several slots cannot share a DEL on a cluster
		}
	})
	return rdb, prefix
}

// RedisKeys lists the keys matching pattern (SCAN, so never KEYS on a
// shared server); on a cluster it scans every master, since a SCAN sees only
// the node it is sent to.
func RedisKeys(ctx context.Context, rdb goredis.UniversalClient, pattern string) ([]string, error) {
	var (
		mu   sync.Mutex
		keys []string
	)
	scan := func(ctx context.Context, c goredis.Cmdable) error {
		iter := c.Scan(ctx, 0, pattern, 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	if cc, ok := rdb.(*goredis.ClusterClient); ok {
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *goredis.Client) error { return scan(ctx, c) })
		return keys, err
	}
	return keys, scan(ctx, rdb)
}

// RedisDBLockKey marks a Redis logical database as claimed; its value is
// the claiming process's id. web/e2e/stack.mjs (claimRedisDb) claims
// databases the same way, so browser runs and Go tests never share one.
const RedisDBLockKey = "eventmkt:e2e:lock"

// redisClaimDBs are the databases a claim may take: 0 is a local run's, 1
// the shared test database, 2 the bench's.
var redisClaimDBs = []int{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// RedisDB claims a whole Redis logical database for this test, for checks
// that need the database to themselves (DBSIZE before and after): one that
// is empty, or whose lock names a process that is gone. It holds only the
// lock key when returned; it is flushed when the test ends. It is always on
// the single node (RedisURL's server), even when TEST_REDIS_CLUSTER is set: a
// cluster has only database 0, shared by every test of the run, so there is
// no whole database to claim; the key-count checks that need one look at
// the key count, not at slots.
func RedisDB(t testing.TB) goredis.UniversalClient {
	t.Helper()
	base, err := url.Parse(RedisURL())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	me := strconv.Itoa(os.Getpid())
	for _, db := range redisClaimDBs {
		u := *base
		u.Path = "/" + strconv.Itoa(db)
		rdb, err := redis.Open(u.String(), false)
		if err != nil {
			t.Fatal(err)
		}
		owner, err := rdb.Get(ctx, RedisDBLockKey).Result()
		switch {
		case err != nil && !errors.Is(err, goredis.Nil):
			rdb.Close()
			t.Fatalf("testenv: Redis is not reachable at %s (run `make services`): %v", u.Redacted(), err)
		case err == nil:
			if pid, _ := strconv.Atoi(owner); pid == 0 || processAlive(pid) {
				rdb.Close()
				continue // someone's (maybe another test of this process)
			}
			rdb.FlushDB(ctx) // left by a run that is gone
		case rdb.DBSize(ctx).Val() != 0:
			rdb.Close()
			continue // someone's data without a lock: not ours to touch
		}
		if ok, err := rdb.SetNX(ctx, RedisDBLockKey, me, 2*time.Hour).Result(); err != nil || !ok {
			rdb.Close()
			continue
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			rdb.FlushDB(ctx)
			rdb.Close()
		})
		return rdb
	}
	t.Fatalf("testenv: no free Redis database among %v", redisClaimDBs)
	return nil
}

// processAlive reports whether a process with this id exists (another
// user's counts).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Blob returns a client for the test storage account, after checking it answers.
func Blob(t testing.TB) *azblob.Client {
	t.Helper()
	c, err := blob.Open(StorageConnectionString(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := blob.Ping(ctx, c); err != nil {
		t.Fatalf("testenv: Blob storage is not reachable (run `make services`): %v", err)
	}
	return c
}

// Tables returns a client for the test storage account, after checking it answers.
func Tables(t testing.TB) *aztables.ServiceClient {
	t.Helper()
	c, err := tables.Open(StorageConnectionString(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tables.Ping(ctx, c); err != nil {
		t.Fatalf("testenv: Table storage is not reachable (run `make services`): %v", err)
	}
	return c
}

// TableName returns a unique, valid table name for this test.
func TableName(prefix string) string {
	return strings.ReplaceAll(Name(prefix), "_", "")
}

// Buffer is a goroutine-safe bytes.Buffer for capturing log output of code
// that serves requests concurrently.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// QueryCounter is a pgx tracer that counts the queries a pool runs.
type QueryCounter struct{ n atomic.Int64 }

// TraceQueryStart counts a query.
func (q *QueryCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	q.n.Add(1)
	if own, ok := ctx.Value(scopeKey{}).(*Scoped); ok {
		own.mu.Lock()
		own.sql = append(own.sql, d.SQL)
		own.mu.Unlock()
	}
	return ctx
}

type scopeKey struct{}

// Scoped lists the queries run under one Scope.
type Scoped struct {
	mu  sync.Mutex
	sql []string
}

// SQL returns the scope's queries so far, in order.
func (s *Scoped) SQL() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sql)
}

// Scope returns a context whose queries (and those of contexts derived from
// it) are also recorded apart, so a test can see one request's queries
// while background work shares the pool.
func (q *QueryCounter) Scope(ctx context.Context) (context.Context, *Scoped) {
	s := &Scoped{}
	return context.WithValue(ctx, scopeKey{}, s), s
}

// TraceQueryEnd does nothing.
func (q *QueryCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Count is the number of queries so far.
func (q *QueryCounter) Count() int64 { return q.n.Load() }

// FetchLink sends method to a link as a browser following it would (a PUT
// as a block blob upload), for tests of signed Blob links: status, headers
// and body.
func FetchLink(t testing.TB, method, link, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, link, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == "PUT" {
		req.Header.Set("x-ms-blob-type", "BlockBlob")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// Class is how a domain classified an error, for tables that compare what
// a call answered with what it should: the zero Class is success, and an
// error nobody classified is Internal with the code "unclassified".
type Class struct {
	Kind apperr.Kind
	Code string
}

func (c Class) String() string {
	if c == (Class{}) {
		return "success"
	}
	return c.Kind.String() + " " + c.Code
}

// ClassOf classifies err as the handlers will (apperr.As).
func ClassOf(err error) Class {
	if err == nil {
		return Class{}
	}
	e := apperr.As(err)
	if e.Kind == apperr.Internal && e.Code == "" {
		return Class{Kind: apperr.Internal, Code: "unclassified"}
	}
	return Class{Kind: e.Kind, Code: e.Code}
}

// Invalid is the class of a request whose fields are invalid.
var Invalid = Class{Kind: apperr.Invalid, Code: apperr.CodeValidation}

// InvalidIf is Invalid when fields are named, else success: the class of
// a call whose table rows name the fields it refuses.
func InvalidIf(fields []string) Class {
	if len(fields) == 0 {
		return Class{}
	}
	return Invalid
}

// Fields lists the fields a validation error names, in order (nil for
// any other error).
func Fields(err error) []string {
	errs, _ := apperr.As(err).Extra["errors"].([]apperr.FieldError)
	var out []string
	for _, e := range errs {
		out = append(out, e.Field)
	}
	return out
}

// WantErr reports a test error unless err is of class want and names
// exactly fields (those of a validation error; none for any other), and
// says whether it was as wanted.
func WantErr(t testing.TB, what string, err error, want Class, fields ...string) bool {
	t.Helper()
	got, gotFields := ClassOf(err), Fields(err)
	if got == want && slices.Equal(gotFields, fields) {
		return true
	}
	t.Errorf("%s: got %v %q (%v), want %v %q", what, got, gotFields, err, want, fields)
	return false
}

// Clock is a settable time source for code under test whose rules depend
// on time (pass its Now where a service takes `now`).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
