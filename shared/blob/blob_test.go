package blob_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/testenv"
)

// A public container serves its blobs by plain URL, as posters need; creating
// it twice is fine.
func TestEnsureContainerPublic(t *testing.T) {
	t.Parallel()
	c := testenv.Blob(t)
	ctx := context.Background()
	name := testenv.Name("t")
	for range 2 {
		if err := blob.EnsureContainer(ctx, c, name, true); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _, _ = c.DeleteContainer(context.Background(), name, nil) })
	if _, err := c.UploadBuffer(ctx, name, "a.txt", []byte("hello"), nil); err != nil {
		t.Fatal(err)
	}
	url := c.URL() + name + "/a.txt"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "hello" {
		t.Errorf("GET %s: %d %q", url, resp.StatusCode, body)
	}
}

func TestOpenNeedsSomething(t *testing.T) {
	t.Parallel()
	if _, err := blob.Open("", "", ""); err == nil || !strings.Contains(err.Error(), "neither") {
		t.Errorf("got %v", err)
	}
}
