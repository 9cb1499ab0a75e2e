package handlers

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/testenv"
)

// exportLink asks ParticipantExport for the link and checks its shape.
func exportLink(t *testing.T, f fixture, id, token string) blob.Link {
	t.Helper()
	rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/export", token, nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("export: %d %q %s", rec.Code, rec.Header(), rec.Body)
	}
	var l blob.Link
	if err := json.Unmarshal(rec.Body.Bytes(), &l); err != nil || l.URL == "" {
		t.Fatalf("export answer %s: %v", rec.Body, err)
	}
	return l
}

// exportCSV downloads the owner's export through its link and parses it.
func exportCSV(t *testing.T, f fixture, id, token string) [][]string {
	t.Helper()
	l := exportLink(t, f, id, token)
	status, h, body := testenv.FetchLink(t, "GET", l.URL, "")
	if status != 200 || !strings.HasPrefix(body, "\uFEFF") || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("export download: %d %q", status, h)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("export CSV: %v", err)
	}
	return records
}

// exportBlobs lists the event's export blobs.
func exportBlobs(t *testing.T, f fixture, id string) []string {
	t.Helper()
	var names []string
	pager := f.blobs.NewListBlobsFlatPager(f.exports, &azblob.ListBlobsFlatOptions{Prefix: to.Ptr(id)})
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Segment.BlobItems {
			names = append(names, *b.Name)
		}
	}
	return names
}

func linkPath(t *testing.T, l string) string {
	t.Helper()
	u, err := url.Parse(l)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// The export is not streamed through the function (the Functions host
// buffers whole answers on Azure): it answers {url, expiresAt}, a
// short-lived read-only SAS link into the exports container that downloads
// the CSV. Nothing new, the same blob is reused (no slot, no rebuild); a new
// entry or the draw writes a new one and drops the old; a non-owner gets no
// link.
func TestExportIsABlobLink(t *testing.T) {
	t.Parallel()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), settings: func(c *config.Config) { c.ExportsPerOwner = 1 }})
	acct, id := liveEvent(t, f, "export@example.com", "010-3000-0172")
	other := register(t, f, "export-other@example.com", "010-3000-0173")
	if _, err := f.db.Exec(context.Background(), `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, agree_privacy)
		SELECT '20261126-' || lpad(i::text, 6, '0'), $1, '참가자' || i, '0107' || lpad(i::text, 7, '0'), true FROM generate_series(1, 300) i`, id); err != nil {
		t.Fatal(err)
	}

	before := time.Now()
	l := exportLink(t, f, id, acct.access)
	if d := l.ExpiresAt.Sub(before); d < 9*time.Minute || d > 11*time.Minute {
		t.Errorf("link lives %s, want the configured 10 minutes", d)
	}
	q, _ := url.Parse(l.URL)
	if got, want := q.Query().Get("sp"), "r"; got != want {
		t.Errorf("permissions %q, want %q", got, want)
	}
	if se, _ := time.Parse(time.RFC3339, q.Query().Get("se")); !se.Equal(l.ExpiresAt) {
		t.Errorf("signed expiry %s, answered %s", q.Query().Get("se"), l.ExpiresAt)
	}
	status, h, body := testenv.FetchLink(t, "GET", l.URL, "")
	if status != 200 {
		t.Fatalf("download: %d %s", status, body)
	}
	if got, want := h.Get("Content-Disposition"), `attachment; filename="participants-`+id+`.csv"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil || len(records) != 301 || records[0][0] != "참여번호" || records[1][0] != "20261126-000001" || records[1][1] != "참**1" {
		t.Fatalf("CSV: %d records %v, first %v", len(records), err, records[:min(2, len(records))])
	}

	// Read-only: writing with the link is refused and changes nothing.
	if status, _, _ := testenv.FetchLink(t, "PUT", l.URL, "overwritten"); status != http.StatusForbidden {
		t.Errorf("PUT with the link: %d, want 403", status)
	}
	if _, _, again := testenv.FetchLink(t, "GET", l.URL, ""); again != body {
		t.Error("the export changed after a PUT with its link")
	}

	// Nothing new: the same blob, even with every export slot taken.
	f.rdb.ZAdd(context.Background(), f.prefix+"participation:exports:"+acct.userID, goredis.Z{Score: float64(time.Now().Add(time.Hour).UnixMilli()), Member: "someone-else"})
	if again := exportLink(t, f, id, acct.access); linkPath(t, again.URL) != linkPath(t, l.URL) {
		t.Errorf("nothing new, but a new export: %s then %s", linkPath(t, l.URL), linkPath(t, again.URL))
	}
	if names := exportBlobs(t, f, id); len(names) != 1 {
		t.Errorf("export blobs %v, want one", names)
	}
	// A new file needs a slot: 429 EXPORT_001 while the owner's one is taken.
	if rec, _ := submit(t, f, id, entry("새참가", "010-5555-0001", false)); rec.Code != 201 {
		t.Fatalf("entry: %d %s", rec.Code, rec.Body)
	}
	rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/export", acct.access, nil)
	wantProblem(t, rec, 429, participation.CodeExportBusy)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	f.rdb.Del(context.Background(), f.prefix+"participation:exports:"+acct.userID)

	// A new entry: a new file with it, the old one gone.
	fresh := exportLink(t, f, id, acct.access)
	if linkPath(t, fresh.URL) == linkPath(t, l.URL) {
		t.Error("a new entry, but the old export again")
	}
	if status, _, _ := testenv.FetchLink(t, "GET", l.URL, ""); status != http.StatusNotFound {
		t.Errorf("the old export after a new one: %d, want 404 (deleted)", status)
	}
	if rows := exportCSV(t, f, id, acct.access); len(rows) != 302 {
		t.Errorf("after an entry: %d records, want 302", len(rows))
	}

	// The draw changes the winners' cells: a new file again.
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 2, "alternateCount": 0}); rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	drawn := exportLink(t, f, id, acct.access)
	if linkPath(t, drawn.URL) == linkPath(t, fresh.URL) {
		t.Error("after the draw, the export from before it")
	}
	winners := 0
	for _, r := range exportCSV(t, f, id, acct.access)[1:] {
		if r[9] == "Y" {
			winners++
		}
	}
	if winners != 2 {
		t.Errorf("winners in the export after the draw: %d, want 2", winners)
	}
	if names := exportBlobs(t, f, id); len(names) != 1 {
		t.Errorf("export blobs %v, want one", names)
	}

	// Only the owner gets a link.
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/export", other.access, nil)
	wantProblem(t, rec, 403, event.CodeForbidden)
	if strings.Contains(rec.Body.String(), "sig=") {
		t.Errorf("a non-owner's answer holds a link: %s", rec.Body)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/export", "", nil)
	if rec.Code != 401 {
		t.Errorf("anonymous export: %d", rec.Code)
	}
}

// The proof link is public (the proof is) and serves the stored bundle.
func TestDrawProofLink(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "prooflink@example.com", "010-3000-0174")
	rec, _ := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"/draw-proof/link", "", nil)
	wantProblem(t, rec, 404, participation.CodeNotDrawn)
	for i := range 3 {
		if rec, _ := submit(t, f, id, entry("참가", fmt.Sprintf("010-5555-%04d", i), false)); rec.Code != 201 {
			t.Fatalf("entry: %d %s", rec.Code, rec.Body)
		}
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 1, "alternateCount": 0}); rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	f.parts.WaitProofs()
	rec, _ = call(t, f.srv, "GET", "/api/v1/public/events/"+id+"/draw-proof/link", "", nil)
	var l blob.Link
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &l) != nil {
		t.Fatalf("proof link: %d %s", rec.Code, rec.Body)
	}
	status, h, body := testenv.FetchLink(t, "GET", l.URL, "")
	var p participation.Proof
	if status != 200 || json.Unmarshal([]byte(body), &p) != nil || participation.Verify(p) != nil || len(p.Entries) != 3 {
		t.Fatalf("proof through the link: %d %.200s", status, body)
	}
	if got, want := h.Get("Content-Disposition"), `attachment; filename="draw-proof-`+id+`.json"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if status, _, _ := testenv.FetchLink(t, "PUT", l.URL, "{}"); status != http.StatusForbidden {
		t.Errorf("PUT with the proof link: %d, want 403", status)
	}
}
