// Package postgres owns the connection pool, the transaction helper and the
// embedded schema migrations. Domains write their own SQL against the pool.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is the app's pool. It connects lazily: creating it never waits for the
// server, so the handler accepts requests even while Postgres is down.
type DB struct {
	*pgxpool.Pool
}

// Querier runs statements: the pool (*DB, *pgxpool.Pool) or a transaction
// (pgx.Tx). Domains take it wherever a read or write must work both inside
// and outside a transaction, so there is one such type, not one per domain.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ Querier = (*DB)(nil)
	_ Querier = (*pgxpool.Pool)(nil)
	_ Querier = pgx.Tx(nil)
)

// Option adjusts the pool configuration.
type Option func(*pgxpool.Config)

// WithTracer traces every query (tests count them).
func WithTracer(t pgx.QueryTracer) Option {
	return func(c *pgxpool.Config) { c.ConnConfig.Tracer = t }
}

// WithExecMode sets how pgx sends queries (POSTGRES_EXEC_MODE; see ExecModes).
func WithExecMode(m pgx.QueryExecMode) Option {
	return func(c *pgxpool.Config) { c.ConnConfig.DefaultQueryExecMode = m }
}

// DefaultExecMode is the exec mode Open uses: the app reaches Postgres
// through PgBouncer in transaction mode (Azure's built-in one on 6432; the
// local one in `make test`), where consecutive transactions of one client
// connection run on different server connections. pgx's own default,
// cache_statement, prepares named statements ("stmtcache_…") once per client
// connection and expects them on the server later: through PgBouncer without
// prepared-statement tracking that fails with "prepared statement … does not
// exist / already exists" (TestTransactionPooling). cache_describe sends each
// query as an unnamed statement (Parse, Bind, Describe, Execute, Sync in one
// round trip, so it never straddles two server connections) and caches only
// the parameter and result descriptions on the client. It needs nothing from
// PgBouncer (works on 1.18 locally and on Azure's 1.2x with
// pgbouncer.max_prepared_statements = 0) and keeps typed binary parameters
// and one round trip per query; the price is that the server parses and plans
// every execution, which for our short keyed statements is small. A schema
// change that alters a cached query's columns is only safe across a restart,
// which every deployment is.
const DefaultExecMode = pgx.QueryExecModeCacheDescribe

// ExecModes are the POSTGRES_EXEC_MODE values. cache_statement needs a direct
// connection or PgBouncer ≥ 1.21 with max_prepared_statements > 0. pgx's
// describe_exec is not offered: it describes and executes in two syncs, which
// PgBouncer may route to two server connections outside a transaction
// ("unnamed prepared statement does not exist").
var ExecModes = map[string]pgx.QueryExecMode{
	"cache_describe":  pgx.QueryExecModeCacheDescribe,
	"cache_statement": pgx.QueryExecModeCacheStatement,
	"exec":            pgx.QueryExecModeExec,
	"simple_protocol": pgx.QueryExecModeSimpleProtocol,
}

// Open builds a pool from a connection URL without connecting. Queries use
// DefaultExecMode unless WithExecMode says otherwise.
func Open(ctx context.Context, url string, maxConns int32, opts ...Option) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("postgres: cannot parse the connection URL")
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 5 * time.Minute
	// A dial that hangs must not hold a request past its deadline.
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.ConnConfig.DefaultQueryExecMode = DefaultExecMode
	for _, o := range opts {
		o(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: new pool: %w", err)
	}
	return &DB{Pool: pool}, nil
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise (and on panic), so a failure never leaves half a change behind.
func (db *DB) InTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.Pool, fn)
}

// SQLSTATE codes the domains classify.
const (
	UniqueViolation     = "23505"
	CheckViolation      = "23514"
	ForeignKeyViolation = "23503"
	NotNullViolation    = "23502"
	SerializationFail   = "40001"
	DeadlockDetected    = "40P01"
)

// IsCode reports whether err is a Postgres error with the given SQLSTATE.
func IsCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// ConstraintName returns the violated constraint's name, or "".
func ConstraintName(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}
