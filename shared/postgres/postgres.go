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

// Option adjusts the pool configuration.
type Option func(*pgxpool.Config)

// WithTracer traces every query (tests count them).
func WithTracer(t pgx.QueryTracer) Option {
	return func(c *pgxpool.Config) { c.ConnConfig.Tracer = t }
}

// Open builds a pool from a connection URL without connecting.
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
