package participation

import (
	"encoding/hex"
	"fmt"
)

// Verify recomputes a proof bundle from its own contents and returns the
// first mismatch: the seed against its commitment, the entries against
// their hash, the ranking against the winners and alternates, and every
// substitution against the alternates' order. It needs nothing but the
// bundle, so anyone can run it (`handler verify-draw`).
func Verify(p Proof) error {
	if p.AlgorithmVersion != AlgorithmVersion {
		return fmt.Errorf("algorithm version %q: this verifier knows %q", p.AlgorithmVersion, AlgorithmVersion)
	}
	seed, err := hex.DecodeString(p.Seed)
	if err != nil || len(seed) != 32 {
		return fmt.Errorf("seed: not 32 bytes of hex")
	}
	if got := Commitment(seed); got != p.SeedCommitment {
		return fmt.Errorf("seed commitment: SHA-256 of the seed is %s, the bundle says %s", got, p.SeedCommitment)
	}
	if p.Algorithm != AlgorithmRandom && p.Algorithm != AlgorithmWeighted {
		return fmt.Errorf("algorithm %q is neither RANDOM nor WEIGHTED", p.Algorithm)
	}
	r := NewRanker(seed, p.WinnerCount+p.AlternateCount)
	for i, e := range p.Entries {
		if p.Algorithm == AlgorithmRandom && e.Weight != 1 {
			return fmt.Errorf("entry %d (%s): weight %d in a RANDOM draw", i, e.ParticipantID, e.Weight)
		}
		r.Add(e)
	}
	res, err := r.Result()
	if err != nil {
		return fmt.Errorf("entries: %w", err)
	}
	if res.EntriesHash != p.EntriesHash {
		return fmt.Errorf("entries hash: the entries hash to %s, the bundle says %s", res.EntriesHash, p.EntriesHash)
	}
	if res.Count < int64(p.WinnerCount) {
		return fmt.Errorf("only %d entries for %d winners", res.Count, p.WinnerCount)
	}
	if len(p.Winners) != min(p.WinnerCount, len(res.Ranked)) {
		return fmt.Errorf("winners: the bundle lists %d, the draw made %d", len(p.Winners), p.WinnerCount)
	}
	for i, w := range p.Winners {
		if want := res.Ranked[i].ParticipantID; w.Rank != i+1 || w.ParticipantID != want {
			return fmt.Errorf("winner rank %d: the bundle says %s, recomputed %s", i+1, w.ParticipantID, want)
		}
	}
	alts := res.Ranked[p.WinnerCount:]
	if len(p.Alternates) != len(alts) {
		return fmt.Errorf("alternates: the bundle lists %d, recomputed %d", len(p.Alternates), len(alts))
	}
	for i, a := range p.Alternates {
		if a.Rank != i+1 || a.ParticipantID != alts[i].ParticipantID {
			return fmt.Errorf("alternate %d: the bundle says %s, recomputed %s", i+1, a.ParticipantID, alts[i].ParticipantID)
		}
	}
	// Substitutions promote the alternates in order into the freed rank.
	current := map[int]string{}
	for _, w := range p.Winners {
		current[w.Rank] = w.ParticipantID
	}
	for i, sub := range p.Substitutions {
		if i >= len(alts) {
			return fmt.Errorf("substitution %d: no alternate was left", i+1)
		}
		if current[sub.Rank] != sub.Disqualified {
			return fmt.Errorf("substitution %d: rank %d was held by %s, not %s", i+1, sub.Rank, current[sub.Rank], sub.Disqualified)
		}
		if sub.Replacement != alts[i].ParticipantID {
			return fmt.Errorf("substitution %d: promoted %s, the next alternate was %s", i+1, sub.Replacement, alts[i].ParticipantID)
		}
		current[sub.Rank] = sub.Replacement
	}
	return nil
}
