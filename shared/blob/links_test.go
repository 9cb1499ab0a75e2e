package blob_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/testenv"
)

// A link downloads the blob with the disposition it was signed with, cannot
// write (PUT with it is refused), and stops working once it expired.
func TestLinkReadOnlyAndExpires(t *testing.T) {
	t.Parallel()
	c := testenv.Blob(t)
	ctx := context.Background()
	name := testenv.Name("links")
	if err := blob.EnsureContainer(ctx, c, name, false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = c.DeleteContainer(context.Background(), name, nil) })
	if _, err := c.UploadBuffer(ctx, name, "e/a.csv", []byte("a,b\n1,2\n"), nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	links, err := blob.NewLinks(c, testenv.StorageConnectionString(), 10*time.Minute, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	l, err := links.ReadURL(ctx, name, "e/a.csv", blob.Download{Filename: "a.csv", ContentType: "text/csv; charset=utf-8"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.ExpiresAt, now.UTC().Add(10*time.Minute).Truncate(time.Second); !got.Equal(want) {
		t.Errorf("expiresAt %v, want %v", got, want)
	}
	q := mustQuery(t, l.URL)
	if q.Get("sp") != "r" || q.Get("sig") == "" {
		t.Errorf("link query %v: want sp=r and a signature", q)
	}
	resp := do(t, "GET", l.URL, "")
	if got, want := resp.status, 200; got != want || resp.body != "a,b\n1,2\n" {
		t.Fatalf("GET link: %d %q", got, resp.body)
	}
	if got, want := resp.header.Get("Content-Disposition"), `attachment; filename="a.csv"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if got := do(t, "PUT", l.URL, "overwritten"); got.status != http.StatusForbidden {
		t.Errorf("PUT with the link: %d, want 403", got.status)
	}
	if after := do(t, "GET", l.URL, ""); after.body != "a,b\n1,2\n" {
		t.Errorf("the blob changed: %q", after.body)
	}
	// Unsigned, the private blob is not readable at all.
	if got := do(t, "GET", strings.SplitN(l.URL, "?", 2)[0], ""); got.status == 200 {
		t.Errorf("GET without the signature: %d", got.status)
	}
	// A link signed an hour ago (ten minutes' life) has expired.
	old, _ := blob.NewLinks(c, testenv.StorageConnectionString(), 10*time.Minute, func() time.Time { return now.Add(-time.Hour) })
	ol, err := old.ReadURL(ctx, name, "e/a.csv", blob.Download{})
	if err != nil {
		t.Fatal(err)
	}
	if got := do(t, "GET", ol.URL, ""); got.status != http.StatusForbidden {
		t.Errorf("GET with an expired link: %d, want 403", got.status)
	}
}

func TestLinksNeedAKeyOrAnIdentity(t *testing.T) {
	t.Parallel()
	c := testenv.Blob(t)
	tests := []struct {
		conn    string
		ttl     time.Duration
		wantErr string
	}{
		{testenv.StorageConnectionString(), 0, "positive"},
		{"BlobEndpoint=http://127.0.0.1:10000/x;SharedAccessSignature=sv=1", time.Minute, "AccountKey"},
		{testenv.StorageConnectionString(), time.Minute, ""},
	}
	for _, tt := range tests {
		_, err := blob.NewLinks(c, tt.conn, tt.ttl, nil)
		if got := err != nil && strings.Contains(err.Error(), tt.wantErr); (tt.wantErr != "") != got {
			t.Errorf("NewLinks(%q, %v) = %v, want error containing %q", tt.conn, tt.ttl, err, tt.wantErr)
		}
	}
}

// fakeToken is the managed identity's token (third party: Entra ID).
type fakeToken struct{}

func (fakeToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// Without an account key (Azure: shared keys off) a link is a user
// delegation SAS: the key comes from Get User Delegation Key, asked once
// and reused while it outlives new links, and the link is HTTPS only.
func TestUserDelegationLink(t *testing.T) {
	t.Parallel()
	keyValue := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	asked := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "POST" || r.URL.Query().Get("comp") != "userdelegationkey" || r.Header.Get("Authorization") != "Bearer token" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.String(), http.StatusBadRequest)
			return
		}
		asked++
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(body), "<Expiry>") {
			http.Error(w, "no expiry", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><UserDelegationKey>`+
			`<SignedOid>11111111-2222-3333-4444-555555555555</SignedOid><SignedTid>66666666-7777-8888-9999-000000000000</SignedTid>`+
			`<SignedStart>2026-01-01T00:00:00Z</SignedStart><SignedExpiry>2026-01-01T06:00:00Z</SignedExpiry>`+
			`<SignedService>b</SignedService><SignedVersion>2025-01-05</SignedVersion><Value>`+keyValue+`</Value></UserDelegationKey>`)
	}))
	t.Cleanup(srv.Close)
	c, err := azblob.NewClient(srv.URL+"/", fakeToken{}, &azblob.ClientOptions{ClientOptions: policy.ClientOptions{Transport: srv.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	links, err := blob.NewLinks(c, "", 5*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		l, err := links.ReadURL(context.Background(), "exports", "e-k.csv", blob.Download{Filename: "p.csv"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(l.URL, srv.URL+"/exports/e-k.csv?") {
			t.Errorf("link %s", l.URL)
		}
		q := mustQuery(t, l.URL)
		for k, want := range map[string]string{"sp": "r", "spr": "https", "skoid": "11111111-2222-3333-4444-555555555555", "sr": "b"} {
			if got := q.Get(k); got != want {
				t.Errorf("%s=%q, want %q", k, got, want)
			}
		}
		if q.Get("sig") == "" {
			t.Error("no signature")
		}
	}
	if asked != 1 {
		t.Errorf("asked for a delegation key %d times, want 1", asked)
	}
}

type answer struct {
	status int
	body   string
	header http.Header
}

func do(t *testing.T, method, u, body string) answer {
	t.Helper()
	status, header, b := testenv.FetchLink(t, method, u, body)
	return answer{status, b, header}
}

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query()
}
