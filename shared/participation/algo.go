package participation

import (
	"bytes"
	"container/heap"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"math/big"
	"sort"
	"strconv"
)

// AlgorithmVersion names the exact arithmetic of the draw (docs/draw.md). A
// verifier in any language that follows the document gets the same ranks.
const AlgorithmVersion = "ES-HMAC-SHA256/v1"

// Entry is one participant in the frozen entry list: no personal data.
type Entry struct {
	ParticipantID string `json:"participantId"`
	Weight        int    `json:"weight"`
}

// ranked is an entry with its random draw.
type ranked struct {
	Entry
	m   uint64  // 53 random bits from HMAC-SHA256(seed, participantId)
	key float64 // ln(u)/w, used to decide quickly; exact comparison settles near-ties
}

func newRanked(e Entry, m uint64) ranked {
	return ranked{Entry: e, m: m, key: keyOf(m, e.Weight)}
}

// keyOf is ln(u)/w for u = (2m+1)/2^54.
func keyOf(m uint64, w int) float64 {
	u := (2*float64(m) + 1) / (1 << 54)
	return math.Log(u) / float64(w)
}

// before reports whether a ranks before b: the larger key u^(1/w) first,
// ties by participantId ascending. Floats decide when they clearly can; the
// exact integer comparison u_a^(w_b) vs u_b^(w_a) settles the rest, so the
// order never depends on a platform's logarithm.
func before(a, b ranked) bool {
	if d := a.key - b.key; math.Abs(d) > 1e-9*math.Max(math.Abs(a.key), math.Abs(b.key)) {
		return d > 0
	}
	if c := exactCompare(a, b); c != 0 {
		return c > 0
	}
	return a.ParticipantID < b.ParticipantID
}

// exactCompare compares u_a^(1/w_a) with u_b^(1/w_b), that is
// (2m_a+1)^(w_b) * 2^(54 w_a) with (2m_b+1)^(w_a) * 2^(54 w_b).
func exactCompare(a, b ranked) int {
	lhs := new(big.Int).Exp(new(big.Int).SetUint64(2*a.m+1), big.NewInt(int64(b.Weight)), nil)
	rhs := new(big.Int).Exp(new(big.Int).SetUint64(2*b.m+1), big.NewInt(int64(a.Weight)), nil)
	lhs.Lsh(lhs, uint(54*a.Weight))
	rhs.Lsh(rhs, uint(54*b.Weight))
	return lhs.Cmp(rhs)
}

// topK keeps the k best entries seen: a min-heap whose root is the worst kept.
type topK []ranked

func (h topK) Len() int           { return len(h) }
func (h topK) Less(i, j int) bool { return before(h[j], h[i]) }
func (h topK) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)        { *h = append(*h, x.(ranked)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Ranker draws from a stream of entries in canonical order, keeping only
// the best k and the running entries hash: memory does not grow with the
// number of participants.
type Ranker struct {
	k       int
	mac     hash.Hash
	entries hash.Hash
	heap    topK
	count   int64
	weights int64
	last    []byte
	line    []byte
	sum     [sha256.Size]byte
	err     error
}

// NewRanker starts a draw with the revealed seed, keeping k = winners +
// alternates.
func NewRanker(seed []byte, k int) *Ranker {
	return &Ranker{k: k, mac: hmac.New(sha256.New, seed), entries: sha256.New(), heap: make(topK, 0, k+1)}
}

// Add feeds the next entry. Entries must come in strictly ascending
// participantId byte order, each with a weight of at least 1.
func (r *Ranker) Add(e Entry) { r.AddRaw([]byte(e.ParticipantID), e.Weight) }

// AddRaw is Add for an id still in the database driver's buffer: only the
// entries that make the top k become strings, so streaming a million rows
// allocates next to nothing.
func (r *Ranker) AddRaw(id []byte, weight int) {
	if r.err != nil {
		return
	}
	if weight < 1 || weight > 1000 {
		r.err = fmt.Errorf("participation: entry %s has weight %d (1..1000)", id, weight)
		return
	}
	if r.count > 0 && bytes.Compare(id, r.last) <= 0 {
		r.err = fmt.Errorf("participation: entries out of canonical order at %s", id)
		return
	}
	r.last = append(r.last[:0], id...)
	r.count++
	r.weights += int64(weight)
	r.line = append(append(append(r.line[:0], id...), ','), strconv.Itoa(weight)...)
	r.line = append(r.line, '\n')
	r.entries.Write(r.line)
	r.mac.Reset()
	r.mac.Write(id)
	m := binary.BigEndian.Uint64(r.mac.Sum(r.sum[:0])[:8]) >> 11
	x := ranked{m: m, key: keyOf(m, weight)}
	x.Weight = weight
	if len(r.heap) < r.k {
		x.ParticipantID = string(id)
		heap.Push(&r.heap, x)
		return
	}
	if r.k == 0 || x.key < r.heap[0].key-1e-9*math.Abs(r.heap[0].key) {
		return // clearly worse than the worst kept: no string, no exact check
	}
	x.ParticipantID = string(id)
	if before(x, r.heap[0]) {
		r.heap[0] = x
		heap.Fix(&r.heap, 0)
	}
}

// DrawResult is the ranked outcome.
type DrawResult struct {
	Ranked      []Entry // best first: winners, then alternates
	Count       int64   // entries drawn from
	TotalWeight int64
	EntriesHash string
}

// Result returns the best entries, best first, and the entries hash.
func (r *Ranker) Result() (DrawResult, error) {
	if r.err != nil {
		return DrawResult{}, r.err
	}
	best := append(topK(nil), r.heap...)
	sort.Slice(best, func(i, j int) bool { return before(best[i], best[j]) })
	out := make([]Entry, len(best))
	for i, b := range best {
		out[i] = b.Entry
	}
	return DrawResult{Ranked: out, Count: r.count, TotalWeight: r.weights, EntriesHash: hex.EncodeToString(r.entries.Sum(nil))}, nil
}

// Commitment is the public commitment to a seed: hex SHA-256.
func Commitment(seed []byte) string {
	sum := sha256.Sum256(seed)
	return hex.EncodeToString(sum[:])
}
