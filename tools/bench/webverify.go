package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/participation"
)

// webVerifyEntries is the large bundle: the results page must
// check 100,000 entries in at most 5 s in desktop Chromium.
const webVerifyEntries = 100_000

// webVerifySuite times the results page verifying a 100,000-entry WEIGHTED
// draw (with one substitution) in Chromium, from the tap on "검증 시작" to
// the verdict, download and parse included (web/scripts/verify-bench.mjs).
// The bundle is the Go draw's own; the baseline is the Go verifier
// (`handler verify-draw`) on the same bundle in the same run.
func webVerifySuite(ctx context.Context, _ *Env) ([]Row, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	proof, err := largeProof(webVerifyEntries)
	if err != nil {
		return nil, err
	}
	var goTimes []time.Duration
	for range 3 {
		t0 := time.Now()
		if err := participation.Verify(proof); err != nil {
			return nil, fmt.Errorf("the Go verifier refuses the bench bundle: %w", err)
		}
		goTimes = append(goTimes, time.Since(t0))
	}
	slices.Sort(goTimes)
	body, err := json.Marshal(proof)
	if err != nil {
		return nil, err
	}
	file := filepath.Join(os.TempDir(), "eventmkt-verify-bench-"+proof.EventID.String()+".json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		return nil, err
	}
	defer os.Remove(file)

	cmd := exec.CommandContext(ctx, "node", filepath.Join("web", "scripts", "verify-bench.mjs"), file, "3")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("node web/scripts/verify-bench.mjs (needs make web and scripts/services.sh browser): %w", err)
	}
	var r struct {
		Entries  int     `json:"entries"`
		MedianMs float64 `json:"medianMs"`
		Verdict  string  `json:"verdict"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("verify-bench output: %w: %q", err, out.String())
	}
	if r.Verdict != "검증 완료" {
		return nil, fmt.Errorf("the results page said %q about a bundle the Go verifier accepts", r.Verdict)
	}
	goMs := float64(goTimes[1].Microseconds()) / 1000
	return []Row{{
		Suite:    "webverify",
		Figure:   fmt.Sprintf("results page verifies %d entries in Chromium (tap to 검증 완료, median of 3, %.1f MB bundle)", r.Entries, float64(len(body))/1e6),
		Value:    fmt.Sprintf("%.2f s", r.MedianMs/1000),
		Baseline: fmt.Sprintf("%.2f s (Go verifier)", goMs/1000),
		Ratio:    fmt.Sprintf("%.2f", r.MedianMs/goMs),
		Target:   "<= 5 s",
	}}, nil
}

// largeProof draws n entries (every third with a store visit, weight 3)
// with a fresh seed, 20 winners and 10 alternates, the first winner
// replaced by the first alternate: a bundle as DrawProofGet serves it.
func largeProof(n int) (participation.Proof, error) {
	seed := make([]byte, 32)
	if _, err := rand.Read(seed); err != nil {
		return participation.Proof{}, err
	}
	const winners, alternates = 20, 10
	entries := make([]participation.Entry, n)
	r := participation.NewRanker(seed, winners+alternates)
	for i := range entries {
		weight := 1
		if i%3 == 2 {
			weight = 3
		}
		entries[i] = participation.Entry{ParticipantID: fmt.Sprintf("20261201-%06d", i+1), Weight: weight}
		r.Add(entries[i])
	}
	res, err := r.Result()
	if err != nil {
		return participation.Proof{}, err
	}
	p := participation.Proof{
		EventID: uuid.New(), Algorithm: participation.AlgorithmWeighted, AlgorithmVersion: participation.AlgorithmVersion,
		Seed: hex.EncodeToString(seed), SeedCommitment: participation.Commitment(seed), EntriesHash: res.EntriesHash,
		TotalEntries: res.Count, WinnerCount: winners, AlternateCount: alternates, DrawnAt: time.Now().UTC().Truncate(time.Second),
		Entries: entries,
	}
	for i, e := range res.Ranked {
		if i < winners {
			p.Winners = append(p.Winners, participation.Replacement{Rank: i + 1, ParticipantID: e.ParticipantID})
		} else {
			p.Alternates = append(p.Alternates, participation.Replacement{Rank: i + 1 - winners, ParticipantID: e.ParticipantID})
		}
	}
	p.Substitutions = []participation.Substitution{{Rank: 1, Disqualified: p.Winners[0].ParticipantID,
		Replacement: p.Alternates[0].ParticipantID, Category: "UNREACHABLE", SubstitutedAt: p.DrawnAt.Add(time.Hour)}}
	return p, nil
}
