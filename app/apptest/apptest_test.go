package apptest_test

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"

	"github.com/eventmkt/backend/app/apptest"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/testenv"
)

// A test's app runs on the test's clock and settings, in storage of its
// own, and leaves nothing behind: its containers, tables and Redis keys go
// when the test ends.
func TestNewOwnsItsSliceAndCleansUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var a, b *apptest.App
	t.Run("two apps", func(t *testing.T) {
		a = apptest.New(t, apptest.Options{Settings: func(c *config.Config) { c.ExportsPerOwner = 7 }})
		b = apptest.New(t, apptest.Options{})
		if a.Prefix == b.Prefix || a.Names == b.Names || a.DB == b.DB {
			t.Fatalf("two apps share a slice: %q %+v, %q %+v", a.Prefix, a.Names, b.Prefix, b.Names)
		}
		if got := a.Now(); !got.Equal(apptest.Start) {
			t.Errorf("the app's clock shows %s, want %s", got, apptest.Start)
		}
		a.Clock.Advance(time.Hour)
		if got := a.Now(); !got.Equal(apptest.Start.Add(time.Hour)) || !b.Now().Equal(apptest.Start) {
			t.Errorf("after an hour on a's clock: a %s, b %s", got, b.Now())
		}
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"ExportsPerOwner (Settings)", a.Config.ExportsPerOwner, 7},
			{"BcryptCost", a.Config.BcryptCost, 4},
			{"DrawProofContainer", a.Config.DrawProofContainer, a.Names.Proofs},
			{"ExportContainer", a.Config.ExportContainer, a.Names.Exports},
			{"ImageContainer", a.Config.ImageContainer, a.Names.Images},
			{"AttemptTable", a.Config.AttemptTable, a.Names.Attempts},
			{"WinnerNotifyTable", a.Config.WinnerNotifyTable, a.Names.Notices},
			{"ExportsPerOwner of b", b.Config.ExportsPerOwner == 7, false},
		} {
			if c.got != c.want {
				t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
			}
		}
		if a.Config.KakaoBaseURL != "" || a.Config.MessagingSMSBaseURL != "" {
			t.Errorf("remotes set without RemoteURL: %q %q", a.Config.KakaoBaseURL, a.Config.MessagingSMSBaseURL)
		}
		for _, c := range []string{a.Names.Proofs, a.Names.Exports, a.Names.Images} {
			if _, err := a.Blobs.CreateContainer(ctx, c, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, table := range []string{a.Names.Attempts, a.Names.Notices} {
			if _, err := a.Tables.CreateTable(ctx, table, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Redis.Set(ctx, a.Prefix+"k", "v", time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
	})
	if t.Failed() {
		return
	}
	for _, c := range []string{a.Names.Proofs, a.Names.Exports, a.Names.Images} {
		_, err := testenv.Blob(t).ServiceClient().NewContainerClient(c).GetProperties(ctx, nil)
		if !bloberror.HasCode(err, bloberror.ContainerNotFound) {
			t.Errorf("container %s after the test: %v, want ContainerNotFound", c, err)
		}
	}
	tables := testenv.Tables(t)
	for _, table := range []string{a.Names.Attempts, a.Names.Notices} {
		if _, err := tables.NewClient(table).GetAccessPolicy(ctx, nil); err == nil {
			t.Errorf("table %s is still there after the test", table)
		}
	}
	keys, err := testenv.RedisKeys(ctx, testenv.RedisClient(t), a.Prefix+"*")
	if err != nil || len(keys) != 0 {
		t.Errorf("keys under the app's prefix after the test: %v %v", keys, err)
	}
}
