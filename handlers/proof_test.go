package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/testenv"
)

// proofBuilds counts the proof bundle's builds by their one query (the
// draw's ranking read back). Once held, a build waits at that query until
// released, so the test decides that every other request arrives during
// the build, however slowly a loaded machine starts them.
type proofBuilds struct {
	n       atomic.Int64
	held    atomic.Bool
	release chan struct{}
}

func newProofBuilds() *proofBuilds { return &proofBuilds{release: make(chan struct{})} }

func (p *proofBuilds) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "coalesce(winner_rank, 0), coalesce(alternate_rank, 0)") {
		p.n.Add(1)
		if p.held.Load() {
			select {
			case <-p.release:
			case <-time.After(time.Minute): // the test failed to release: let it fail on its counts
			}
		}
	}
	return ctx
}

func (p *proofBuilds) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// With the proof's blob gone, a crowd of anonymous requests builds it
// once: one caller builds it, the others get 503 PROOF_001 with
// Retry-After; then everyone gets the same bytes.
func TestDrawProofIsBuiltOnceUnderACrowd(t *testing.T) {
	t.Parallel()
	builds := newProofBuilds()
	f := newServerOpts(t, fixtureOpts{users: testUserConfig(), db: testenv.Postgres(t, postgres.WithTracer(builds))})
	acct, id := liveEvent(t, f, "crowd@example.com", "010-3000-0170")
	for i := range 6 {
		if rec, _ := submit(t, f, id, entry(fmt.Sprintf("참가자%02d", i), fmt.Sprintf("010-6170-%04d", i), false)); rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 2}); rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	f.parts.WaitProofs()
	if _, err := f.blobs.DeleteBlob(context.Background(), f.proofs, id+".json", nil); err != nil {
		t.Fatal(err)
	}
	before := builds.n.Load()

	const crowd = 20
	get := func() (int, string, []byte) {
		rec := do(t, f.srv, "GET", "/api/v1/public/events/"+id+"/draw-proof", nil)
		return rec.Code, rec.Header().Get("Retry-After"), rec.Body.Bytes()
	}
	type answer struct {
		status int
		retry  string
		body   []byte
	}
	// wave sends the crowd at once; answered is called after each answer.
	wave := func(answered func(n int64)) []answer {
		out := make([]answer, crowd)
		var wg sync.WaitGroup
		var done atomic.Int64
		start := make(chan struct{})
		for i := range crowd {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				st, ra, b := get()
				out[i] = answer{st, ra, b}
				answered(done.Add(1))
			}()
		}
		close(start)
		wg.Wait()
		return out
	}
	// The build is held until every other caller has had its answer.
	builds.held.Store(true)
	first := wave(func(n int64) {
		if n == crowd-1 {
			close(builds.release)
		}
	})
	var ok, busy int
	for _, a := range first {
		switch {
		case a.status == 200:
			ok++
		case a.status == 503 && a.retry != "" && strings.Contains(string(a.body), "PROOF_001"):
			busy++
		default:
			t.Errorf("answer %d Retry-After %q: %s", a.status, a.retry, a.body)
		}
	}
	if n := builds.n.Load() - before; n != 1 {
		t.Fatalf("%d builds for %d concurrent requests (%d answered 200, %d 503); want exactly 1", n, crowd, ok, busy)
	}
	if ok > 1 {
		t.Errorf("%d callers were answered 200 during the build; only its builder may be", ok)
	}
	// Once built, everyone gets the same bytes and nothing is built again.
	deadline := time.Now().Add(10 * time.Second)
	for st, _, _ := get(); st != 200; st, _, _ = get() {
		if time.Now().After(deadline) {
			t.Fatalf("the proof never came back: %d", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	second := wave(func(int64) {})
	for _, a := range second {
		if a.status != 200 || !bytes.Equal(a.body, second[0].body) {
			t.Fatalf("after the build: %d (same bytes: %v)", a.status, bytes.Equal(a.body, second[0].body))
		}
	}
	if p := fetchProof(t, f, id); participation.Verify(p) != nil {
		t.Error("the rebuilt proof does not verify")
	}
	if n := builds.n.Load() - before; n != 1 {
		t.Errorf("%d builds in all; want 1", n)
	}
}
