package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
)

// TestTransactionPooling runs the pool Open builds through PgBouncer in
// transaction mode (TEST_POSTGRES_URL_POOLED; `make test` sets it): many
// goroutines share a few client connections, and PgBouncer hands each
// transaction whichever server connection is free, so a statement prepared
// on one server connection is missing on the next. Open's exec mode must not
// depend on server-side prepared statements surviving between transactions.
func TestTransactionPooling(t *testing.T) {
	if testenv.PostgresPooledURL() == "" {
		t.Skip("TEST_POSTGRES_URL_POOLED is not set (make test sets it to the local PgBouncer)")
	}
	ctx := context.Background()
	// Open's default, then the other modes that need nothing from PgBouncer
	// (cache_statement is left out: it needs PgBouncer ≥ 1.21 tracking
	// prepared statements, and Debian 12's is 1.18; so is pgx's
	// describe_exec, whose Describe and Execute are two syncs that PgBouncer
	// may send to two server connections outside a transaction).
	for _, mode := range []string{"default", "exec", "simple_protocol"} {
		t.Run(mode, func(t *testing.T) {
			var opts []postgres.Option
			if mode != "default" {
				opts = append(opts, postgres.WithExecMode(postgres.ExecModes[mode]))
			}
			db, err := postgres.Open(ctx, testenv.PostgresAppURL(t), 6, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(ctx, `CREATE TABLE probe (id bigserial PRIMARY KEY, n int NOT NULL, s text NOT NULL, at timestamptz NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			probe(t, ctx, db)
		})
	}
}

func probe(t *testing.T, ctx context.Context, db *postgres.DB) {
	t.Helper()
	const workers, rounds = 24, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				err := db.InTx(ctx, func(tx pgx.Tx) error {
					var id int64
					if err := tx.QueryRow(ctx, `INSERT INTO probe (n, s, at) VALUES ($1, $2, $3) RETURNING id`,
						w*rounds+r, fmt.Sprint("w", w), time.Now()).Scan(&id); err != nil {
						return err
					}
					var n int
					return tx.QueryRow(ctx, `SELECT n FROM probe WHERE id = $1 AND s = $2`, id, fmt.Sprint("w", w)).Scan(&n)
				})
				if err == nil {
					var c int
					err = db.QueryRow(ctx, `SELECT count(*) FROM probe WHERE n >= $1`, 0).Scan(&c)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("through PgBouncer: %v", err)
	}
	var c int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM probe`).Scan(&c); err != nil || c != workers*rounds {
		t.Fatalf("rows %d, %v; want %d", c, err, workers*rounds)
	}
}
