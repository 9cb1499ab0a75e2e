package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded, numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in order. File names are
// NNN_description.sql; numbers must be unique and start at 1.
//
// We keep our own twenty-line migrator rather than tern: tern runs every file
// through text/template with sprig (a large dependency tree) and we need
// nothing beyond "apply the next files in order, once, under a lock".
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("migration %s: name must be NNN_description.sql", e.Name())
		}
		sql, err := fs.ReadFile(migrationFiles, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(sql)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d (no gaps or duplicates)", m.Name, i+1)
		}
	}
	return out, nil
}

// migrationLock is the advisory lock key that serialises concurrent migrators
// (two releases, or parallel test packages, starting at once).
const migrationLock = 7_362_001

// Migrate applies the pending migrations, each in its own transaction, under a
// session advisory lock. A second run, or one that waited on the lock while
// another applied everything, is a no-op. It returns the versions applied.
func Migrate(ctx context.Context, conn *pgx.Conn, log *slog.Logger) ([]int, error) {
	migrations, err := Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	defer func() {
		// Unlock on a fresh context: the caller's may be done.
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS public.schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("migrate: version table: %w", err)
	}
	var current int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM public.schema_migrations").Scan(&current); err != nil {
		return nil, fmt.Errorf("migrate: read version: %w", err)
	}
	if current > len(migrations) {
		return nil, fmt.Errorf("migrate: database is at version %d but this binary knows only %d: refusing to run an older release against a newer schema", current, len(migrations))
	}
	var applied []int
	for _, m := range migrations[current:] {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO public.schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
		log.InfoContext(ctx, "migration applied", "version", m.Version, "name", m.Name)
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// EnsureDatabase creates the database named in url when it does not exist,
// connecting to the server's maintenance database to do so. It lets
// `handler migrate` bring up a fresh local server in one step.
func EnsureDatabase(ctx context.Context, dbURL string) error {
	cfg, err := pgconn.ParseConfig(dbURL)
	if err != nil {
		return errors.New("postgres: cannot parse the connection URL")
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err == nil {
		return conn.Close(ctx)
	}
	if !IsCode(err, "3D000") { // invalid_catalog_name: the database is missing
		return fmt.Errorf("postgres: connect: %w", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil || u.Scheme == "" {
		return fmt.Errorf("postgres: database %q is missing; create it (cannot derive a maintenance URL from a keyword string)", cfg.Database)
	}
	u.Path = "/postgres"
	admin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("postgres: connect to maintenance database: %w", err)
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	if err != nil && !IsCode(err, "42P04") { // duplicate_database: someone else won the race
		return fmt.Errorf("postgres: create database %s: %w", cfg.Database, err)
	}
	return nil
}
