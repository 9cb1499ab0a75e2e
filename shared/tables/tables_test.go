package tables_test

import (
	"context"
	"testing"

	"github.com/eventmkt/backend/shared/tables"
	"github.com/eventmkt/backend/shared/testenv"
)

func TestEnsureTableTwice(t *testing.T) {
	t.Parallel()
	c := testenv.Tables(t)
	ctx := context.Background()
	name := testenv.TableName("t")
	for range 2 {
		if err := tables.EnsureTable(ctx, c, name); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _, _ = c.DeleteTable(context.Background(), name, nil) })
	if _, err := c.NewClient(name).AddEntity(ctx, []byte(`{"PartitionKey":"p","RowKey":"r","v":1}`), nil); err != nil {
		t.Fatal(err)
	}
}
