package participation_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/testenv"
)

// The cached counts of several events come from Redis in one call, though
// their keys are in different hash slots: on a Redis Cluster one MGET over
// them fails with CROSSSLOT and every count would be recounted in Postgres
// (here: 0, since the events have no entries there).
func TestCountsOfSeveralEventsComeFromRedis(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, prefix := testenv.Redis(t)
	c := participation.NewCounter(testenv.Postgres(t), rdb, prefix)
	want := map[uuid.UUID]int{}
	var ids []uuid.UUID
	for i := range 6 {
		id := uuid.New()
		ids = append(ids, id)
		want[id] = 10 + i
		if err := rdb.Set(ctx, participation.CountKey(prefix, id), 10+i, participation.CountTTL).Err(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.Counts(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if got[id] != want[id] {
			t.Errorf("count of %s: got %d, want %d (the cached count)", id, got[id], want[id])
		}
	}
}
