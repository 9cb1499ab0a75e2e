package participation

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The web results page verifies draws in the browser with its own
// TypeScript implementation of docs/draw.md (web/src/verify). These vectors,
// drawn by the Go code, are what its Vitest suite must reproduce, so the two
// implementations cannot drift apart: a change to the Go draw changes the
// file, and this test fails until the file is regenerated and the web suite
// passes against it.

var updateVectors = flag.Bool("update", false, "rewrite web/src/verify/testdata/vectors.json from the Go draw")

const vectorsFile = "../../web/src/verify/testdata/vectors.json"

// drawVector is one bundle with the ranking the Go draw made from it.
type drawVector struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Bundle      Proof    `json:"bundle"`
	Ranked      []string `json:"ranked"` // winners then alternates, best first
	EntriesHash string   `json:"entriesHash"`
	NearTie     []string `json:"nearTie,omitempty"` // two ids whose keys differ by less than 1e-9 relatively
}

type vectorFile struct {
	Comment          string       `json:"comment"`
	AlgorithmVersion string       `json:"algorithmVersion"`
	Vectors          []drawVector `json:"vectors"`
}

func vectorSeed(name string) []byte {
	s := sha256.Sum256([]byte("eventmkt draw vector " + name))
	return s[:]
}

var vectorTime = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)

// makeVector draws entries (sorted here into canonical byte order) with the
// production Ranker and wraps the outcome in a proof bundle; disqualify lists
// the ranks disqualified, in time order.
func makeVector(t *testing.T, name, description, algorithm string, entries []Entry, winners, alternates int, disqualify []int) drawVector {
	t.Helper()
	sort.Slice(entries, func(i, j int) bool { return entries[i].ParticipantID < entries[j].ParticipantID })
	seed := vectorSeed(name)
	r := NewRanker(seed, winners+alternates)
	for _, e := range entries {
		r.Add(e)
	}
	res, err := r.Result()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p := Proof{
		EventID:          uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://eventmkt.example/vectors/"+name)),
		Algorithm:        algorithm,
		AlgorithmVersion: AlgorithmVersion,
		Seed:             fmt.Sprintf("%x", seed),
		SeedCommitment:   Commitment(seed),
		EntriesHash:      res.EntriesHash,
		TotalEntries:     res.Count,
		WinnerCount:      winners,
		AlternateCount:   alternates,
		Winners:          []Replacement{},
		Alternates:       []Replacement{},
		Substitutions:    []Substitution{},
		DrawnAt:          vectorTime,
		Entries:          entries,
	}
	ranked := make([]string, len(res.Ranked))
	for i, e := range res.Ranked {
		ranked[i] = e.ParticipantID
		if i < winners {
			p.Winners = append(p.Winners, Replacement{Rank: i + 1, ParticipantID: e.ParticipantID})
		} else {
			p.Alternates = append(p.Alternates, Replacement{Rank: i - winners + 1, ParticipantID: e.ParticipantID})
		}
	}
	holder := map[int]string{}
	for _, w := range p.Winners {
		holder[w.Rank] = w.ParticipantID
	}
	for k, rank := range disqualify {
		next := p.Alternates[k].ParticipantID
		p.Substitutions = append(p.Substitutions, Substitution{
			Rank: rank, Disqualified: holder[rank], Replacement: next,
			Category: "UNREACHABLE", SubstitutedAt: vectorTime.Add(time.Duration(k+1) * 24 * time.Hour),
		})
		holder[rank] = next
	}
	if err := Verify(p); err != nil {
		t.Fatalf("%s: the Go verifier rejects its own vector: %v", name, err)
	}
	return drawVector{Name: name, Description: description, Bundle: p, Ranked: ranked, EntriesHash: res.EntriesHash}
}

func numbered(prefix string, n int, weight func(i int) int) []Entry {
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{ParticipantID: fmt.Sprintf("%s-%06d", prefix, i+1), Weight: weight(i)}
	}
	return out
}

// nearTiePair searches ids drawn with seed for the two whose keys are
// closest relative to their size, among weights 1 and 3, so a vector can
// hold a pair that only the exact integer comparison can order.
func nearTiePair(t *testing.T, seed []byte, n int) (Entry, Entry, float64) {
	t.Helper()
	type cand struct {
		e   Entry
		key float64
	}
	mac := hmac.New(sha256.New, seed)
	cs := make([]cand, n)
	for i := range cs {
		e := Entry{ParticipantID: fmt.Sprintf("NT-%07d", i+1), Weight: 1 + 2*(i%2)}
		mac.Reset()
		mac.Write([]byte(e.ParticipantID))
		m := binary.BigEndian.Uint64(mac.Sum(nil)[:8]) >> 11
		cs[i] = cand{e, keyOf(m, e.Weight)}
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].key < cs[j].key })
	best, bestRel := 0, math.Inf(1)
	for i := 1; i < len(cs); i++ {
		rel := math.Abs(cs[i].key-cs[i-1].key) / math.Max(math.Abs(cs[i].key), math.Abs(cs[i-1].key))
		if rel < bestRel {
			best, bestRel = i, rel
		}
	}
	return cs[best-1].e, cs[best].e, bestRel
}

func buildVectors(t *testing.T) vectorFile {
	weighted := func(i int) int { return 1 + 2*(i%3/2) } // 1, 1, 3, 1, 1, 3, …
	one := func(int) int { return 1 }
	vs := []drawVector{
		makeVector(t, "random-12", "RANDOM, 12 entries, 3 winners, 2 alternates", AlgorithmRandom,
			numbered("20261126", 12, one), 3, 2, nil),
		makeVector(t, "weighted-12-substitutions", "WEIGHTED (store visits weigh 3), rank 2 disqualified twice: alternates 1 and 2 take it in turn", AlgorithmWeighted,
			numbered("20261126", 12, weighted), 3, 2, []int{2, 2}),
		makeVector(t, "random-short-alternates", "RANDOM, fewer entries than winners plus alternates: every entry is ranked", AlgorithmRandom,
			numbered("20261127", 5, one), 3, 5, []int{1}),
		makeVector(t, "weighted-2000", "WEIGHTED, 2,000 entries, 10 winners, 5 alternates, two substitutions", AlgorithmWeighted,
			numbered("20261128", 2000, weighted), 10, 5, []int{7, 1}),
		makeVector(t, "random-unicode-order", "RANDOM, ids whose UTF-8 byte order differs from UTF-16 code unit order", AlgorithmRandom,
			[]Entry{{"a", 1}, {"b", 1}, {"é", 1}, {"가", 1}, {"ｱ", 1}, {"😀", 1}, {"z-1", 1}}, 2, 5, nil),
		makeVector(t, "weighted-large-weights", "WEIGHTED with weights up to 1000, the Ranker's limit", AlgorithmWeighted,
			numbered("20261129", 40, func(i int) int { return []int{1, 1000, 7, 250, 2}[i%5] }), 5, 3, []int{3}),
	}
	// The near tie: two entries whose float keys agree to better than 1e-9,
	// drawn among a few others with everyone ranked, so the order between
	// them comes from the exact integer rule in both languages.
	name := "weighted-near-tie"
	a, b, rel := nearTiePair(t, vectorSeed(name), 200000)
	if rel >= 1e-9 {
		t.Fatalf("no near tie among 200000 ids (closest %g): search more", rel)
	}
	entries := append(numbered("NT-A", 4, weighted), a, b)
	v := makeVector(t, name, fmt.Sprintf("WEIGHTED, 6 entries all ranked; %s and %s have keys %.2g apart relatively", a.ParticipantID, b.ParticipantID, rel), AlgorithmWeighted,
		entries, 4, 2, nil)
	v.NearTie = []string{a.ParticipantID, b.ParticipantID}
	vs = append(vs, v)
	return vectorFile{
		Comment:          "Generated by shared/participation/vectors_test.go (go test ./shared/participation -run TestDrawVectors -update); do not edit by hand.",
		AlgorithmVersion: AlgorithmVersion,
		Vectors:          vs,
	}
}

// TestDrawVectors keeps web/src/verify/testdata/vectors.json equal to what
// the Go draw produces; -update (or UPDATE_VECTORS=1) rewrites it.
func TestDrawVectors(t *testing.T) {
	t.Parallel()
	want, err := json.MarshalIndent(buildVectors(t), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *updateVectors || os.Getenv("UPDATE_VECTORS") == "1" {
		if err := os.WriteFile(vectorsFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", filepath.Clean(vectorsFile), len(want))
		return
	}
	got, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatalf("%v: generate it with go test ./shared/participation -run TestDrawVectors -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the Go draw: regenerate it with go test ./shared/participation -run TestDrawVectors -update and run the web tests (cd web && npm test)", filepath.Clean(vectorsFile))
	}
}
