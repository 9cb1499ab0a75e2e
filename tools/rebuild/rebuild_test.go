package rebuild

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
)

// The command reads the app's settings from the environment (there is no
// local.settings.json here), builds the app and recomputes the event's
// stats from its raw log: a stats row with no raw rows behind it is gone.
func TestRunRebuildsFromTheRawLog(t *testing.T) {
	url := testenv.PostgresAppURL(t)
	for name, value := range map[string]string{
		"POSTGRES_URL": url, "REDIS_URL": testenv.RedisURL(), "REDIS_CLUSTER": "false",
		"STORAGE_CONNECTION_STRING": testenv.StorageConnectionString(), "STORAGE_ACCOUNT_NAME": "", "QUEUE_BROKER": "redis",
		"JWT_SIGNING_KEY": base64.StdEncoding.EncodeToString([]byte("a-signing-key-for-the-rebuild-test")),
	} {
		t.Setenv(name, value)
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	id := uuid.New()
	if _, err := db.Exec(ctx, `INSERT INTO analytics.event_stats (event_id, event_title, user_id, total_participants) VALUES ($1, 'stale', $2, 42)`, id, uuid.New()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Run(ctx, []string{"-event", id.String()}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if want := "rebuilt the stats of " + id.String() + " from 0 raw rows"; !strings.Contains(out.String(), want) {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM analytics.event_stats WHERE event_id = $1`, id).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d stats rows left (%v), want 0: nothing in the raw log backs them", n, err)
	}
}

func TestRunRefusesABadEventID(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{nil, {"-event", "not-a-uuid"}} {
		if err := Run(context.Background(), args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "-event") {
			t.Errorf("%q: got %v, want an error naming -event", args, err)
		}
	}
}
