package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/testenv"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// With Postgres and Redis unreachable the handler still listens within a
// second (the host gives up otherwise) and Health says what is down.
func TestServeStartsFastWithDependenciesDown(t *testing.T) {
	values, err := config.ReadLocalSettings("local.settings.json.example")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		t.Setenv(k, v)
	}
	dead := freePort(t)
	t.Setenv("POSTGRES_URL", "postgres://postgres@127.0.0.1:"+strconv.Itoa(dead)+"/eventmkt?sslmode=disable&connect_timeout=1")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:"+strconv.Itoa(dead)+"/0")
	port := freePort(t)
	t.Setenv("FUNCTIONS_CUSTOMHANDLER_PORT", strconv.Itoa(port))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := &testenv.Buffer{}
	start := time.Now()
	go func() { done <- run(ctx, nil, out, out) }()

	addr := "127.0.0.1:" + strconv.Itoa(port)
	for {
		c, err := net.DialTimeout("tcp", addr, 50*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Since(start) > time.Second {
			t.Fatalf("not listening after 1 s: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get("http://" + addr + "/api/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Checks map[string]struct{ Status string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&report)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || report.Checks["postgres"].Status != "down" || report.Checks["redis"].Status != "down" {
		t.Errorf("health with dependencies down: %d %+v", resp.StatusCode, report)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop within 5 s")
	}
}

// A missing setting stops start-up with a message naming it.
func TestServeRefusesBadSettings(t *testing.T) {
	t.Setenv("FUNCTIONS_CUSTOMHANDLER_PORT", strconv.Itoa(freePort(t)))
	t.Setenv("POSTGRES_URL", "")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	t.Setenv("QUEUE_BROKER", "redis")
	t.Setenv("STORAGE_CONNECTION_STRING", "")
	t.Setenv("STORAGE_ACCOUNT_NAME", "acct")
	err := run(context.Background(), nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "POSTGRES_URL") {
		t.Errorf("got %v, want an error naming POSTGRES_URL", err)
	}
	t.Setenv("FUNCTIONS_CUSTOMHANDLER_PORT", "")
	if err := run(context.Background(), nil, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "FUNCTIONS_CUSTOMHANDLER_PORT") {
		t.Errorf("got %v, want an error naming FUNCTIONS_CUSTOMHANDLER_PORT", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, &bytes.Buffer{}, &stderr); err == nil || !strings.Contains(stderr.String(), "usage") {
		t.Errorf("got %v / %q", err, stderr.String())
	}
}

func TestVerifyDrawCommand(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, 32)
	entries := []participation.Entry{{ParticipantID: "20261122-000001", Weight: 1}, {ParticipantID: "20261122-000002", Weight: 3},
		{ParticipantID: "20261122-000003", Weight: 1}, {ParticipantID: "20261122-000004", Weight: 3}}
	r := participation.NewRanker(seed, 3)
	for _, e := range entries {
		r.Add(e)
	}
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	p := participation.Proof{Algorithm: participation.AlgorithmWeighted, AlgorithmVersion: participation.AlgorithmVersion,
		Seed: hex.EncodeToString(seed), SeedCommitment: participation.Commitment(seed), EntriesHash: res.EntriesHash, TotalEntries: 8,
		WinnerCount: 2, AlternateCount: 1, Entries: entries,
		Winners:    []participation.Replacement{{Rank: 1, ParticipantID: res.Ranked[0].ParticipantID}, {Rank: 2, ParticipantID: res.Ranked[1].ParticipantID}},
		Alternates: []participation.Replacement{{Rank: 1, ParticipantID: res.Ranked[2].ParticipantID}}}
	write := func(p participation.Proof) string {
		path := t.TempDir() + "/proof.json"
		b, _ := json.Marshal(p)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"verify-draw", write(p)}, &out, &out); err != nil || !strings.HasPrefix(out.String(), "OK:") {
		t.Fatalf("a good bundle: %v %s", err, out.String())
	}
	// Served over HTTP, as DrawProofGet does.
	b, _ := json.Marshal(p)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(b) }))
	defer srv.Close()
	out.Reset()
	if err := run(context.Background(), []string{"verify-draw", srv.URL}, &out, &out); err != nil {
		t.Fatalf("by URL: %v %s", err, out.String())
	}
	bad := p
	bad.Entries = append([]participation.Entry(nil), entries...)
	bad.Entries[0].Weight = 2
	out.Reset()
	if err := run(context.Background(), []string{"verify-draw", write(bad)}, &out, &out); err == nil || !strings.Contains(out.String(), "MISMATCH: entries hash") {
		t.Errorf("a tampered bundle: %v %s", err, out.String())
	}
}
