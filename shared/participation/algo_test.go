package participation

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

func seedN(i int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	s := sha256.Sum256(b[:])
	return s[:]
}

func drawOnce(t *testing.T, seed []byte, entries []Entry, k int) []Entry {
	t.Helper()
	r := NewRanker(seed, k)
	for _, e := range entries {
		r.Add(e)
	}
	res, err := r.Result()
	if err != nil {
		t.Fatal(err)
	}
	return res.Ranked
}

// chiSquare compares observed counts with expected probabilities.
func chiSquare(observed []int, probs []float64, n int) float64 {
	var x float64
	for i, o := range observed {
		e := probs[i] * float64(n)
		x += (float64(o) - e) * (float64(o) - e) / e
	}
	return x
}

// Over many seeds the first rank falls on each entry with probability
// w_i / sum(w) (WEIGHTED) or 1/n (RANDOM). Seeds are fixed, so the test is
// deterministic; the bound is the 0.1% critical value of chi-square.
func TestDrawFrequencies(t *testing.T) {
	t.Parallel()
	weights := []int{1, 3, 1, 2, 3, 1, 1, 2}
	const draws = 40000
	critical := 24.32 // chi-square, 7 degrees of freedom, p = 0.001
	for _, mode := range []string{"RANDOM", "WEIGHTED"} {
		entries := make([]Entry, len(weights))
		var total float64
		for i, w := range weights {
			if mode == "RANDOM" {
				w = 1
			}
			entries[i] = Entry{ParticipantID: fmt.Sprintf("20261122-%06d", i+1), Weight: w}
			total += float64(w)
		}
		probs := make([]float64, len(entries))
		for i, e := range entries {
			probs[i] = float64(e.Weight) / total
		}
		first := make([]int, len(entries))
		second := make([]int, len(entries))
		for s := range draws {
			ranked := drawOnce(t, seedN(s), entries, 2)
			for i, e := range entries {
				if ranked[0].ParticipantID == e.ParticipantID {
					first[i]++
				}
				if ranked[1].ParticipantID == e.ParticipantID {
					second[i]++
				}
			}
		}
		x := chiSquare(first, probs, draws)
		t.Logf("%s first-rank chi-square %.2f (critical %.2f): %v", mode, x, critical, first)
		if x > critical {
			t.Errorf("%s: first-rank frequencies %v deviate from %v (chi-square %.2f)", mode, first, probs, x)
		}
		// Sampling without replacement: P(second = j) = sum over i != j of p_i * w_j / (W - w_i).
		probs2 := make([]float64, len(entries))
		for j := range entries {
			for i := range entries {
				if i != j {
					probs2[j] += probs[i] * float64(entries[j].Weight) / (total - float64(entries[i].Weight))
				}
			}
		}
		if x2 := chiSquare(second, probs2, draws); x2 > critical {
			t.Errorf("%s: second-rank frequencies %v deviate from %v (chi-square %.2f)", mode, second, probs2, x2)
		}
	}
}

// The fast float comparison never disagrees with the exact one where it
// decides, and near-ties go to the exact arithmetic.
func TestFloatAndExactComparisonAgree(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		a := newRanked(Entry{ParticipantID: "a", Weight: 1 + rng.IntN(3)}, rng.Uint64()>>11)
		b := newRanked(Entry{ParticipantID: "b", Weight: 1 + rng.IntN(3)}, rng.Uint64()>>11)
		exact := exactCompare(a, b)
		if exact == 0 {
			continue
		}
		if got := before(a, b); got != (exact > 0) {
			t.Fatalf("before(%+v, %+v) = %v, exact says %d", a, b, got, exact)
		}
	}
	// An exact tie (same m and weight) goes by participant id.
	x := newRanked(Entry{ParticipantID: "x", Weight: 2}, 12345)
	y := newRanked(Entry{ParticipantID: "y", Weight: 2}, 12345)
	if !before(x, y) || before(y, x) {
		t.Error("ties must go to the smaller participant id")
	}
}

func TestRankerRules(t *testing.T) {
	t.Parallel()
	entries := []Entry{{"a", 1}, {"b", 2}, {"c", 3}}
	one := drawOnce(t, seedN(7), entries, 3)
	two := drawOnce(t, seedN(7), entries, 3)
	if fmt.Sprint(one) != fmt.Sprint(two) {
		t.Error("the same seed and entries must rank the same")
	}
	// Keeping fewer does not change the order of the best.
	if top := drawOnce(t, seedN(7), entries, 1); len(top) != 1 || len(one) != 3 || top[0] != one[0] {
		t.Errorf("top-1 %v differs from the full ranking %v", top, one)
	}
	r := NewRanker(seedN(1), 2)
	r.Add(Entry{"b", 1})
	r.Add(Entry{"a", 1})
	if _, err := r.Result(); err == nil {
		t.Error("entries out of order were accepted")
	}
	r = NewRanker(seedN(1), 2)
	r.Add(Entry{"a", 0})
	if _, err := r.Result(); err == nil {
		t.Error("a zero weight was accepted")
	}
	r = NewRanker(seedN(1), 1)
	r.Add(Entry{"a", 1})
	res, _ := r.Result()
	if res.EntriesHash != fmt.Sprintf("%x", sha256.Sum256([]byte("a,1\n"))) || res.Count != 1 {
		t.Errorf("entries hash %s", res.EntriesHash)
	}
}
