// The ranking rule of docs/draw.md, mirrored from shared/participation/algo.go
// step for step: the same float fast path with the same 1e-9 threshold, the
// same exact integer comparison near a tie, the same byte-order tie break and
// the same top-k pruning, so the two implementations agree on every input
// rather than almost always.

const TWO_POW_54 = 18014398509481984; // 2^54, exact in a double

/** One ranked entry: its index in the bundle and its random draw. */
export interface Ranked {
  index: number;
  m: number; // 53-bit integer, exact in a double
  weight: number;
  key: number; // ln(u)/w
}

/** ln(u)/w for u = (2m+1)/2^54, computed as Go's keyOf does. */
export function keyOf(m: number, weight: number): number {
  return Math.log((2 * m + 1) / TWO_POW_54) / weight;
}

/**
 * m of an entry: the first 8 bytes of its HMAC as a big-endian unsigned
 * 64-bit integer shifted right by 11, computed in two 32-bit halves so it
 * stays exact in a double.
 */
export function mOf(mac: Uint8Array): number {
  const hi = ((mac[0]! << 24) | (mac[1]! << 16) | (mac[2]! << 8) | mac[3]!) >>> 0;
  const lo = ((mac[4]! << 24) | (mac[5]! << 16) | (mac[6]! << 8) | mac[7]!) >>> 0;
  return hi * 2097152 + (lo >>> 11); // hi·2^21 + lo/2^11
}

/**
 * exactCompare compares u_a^(1/w_a) with u_b^(1/w_b) as the integers
 * (2m_a+1)^(w_b)·2^(54·w_a) and (2m_b+1)^(w_a)·2^(54·w_b).
 */
export function exactCompare(a: Ranked, b: Ranked): number {
  const lhs = (BigInt(a.m) * 2n + 1n) ** BigInt(b.weight) << BigInt(54 * a.weight);
  const rhs = (BigInt(b.m) * 2n + 1n) ** BigInt(a.weight) << BigInt(54 * b.weight);
  return lhs > rhs ? 1 : lhs < rhs ? -1 : 0;
}

/** The order of the draw: true when a ranks before b. */
export type Before = (a: Ranked, b: Ranked) => boolean;

/**
 * makeBefore builds the comparison of algo.go's before(): floats decide when
 * they clearly can, the exact rule settles the rest, then the smaller
 * participantId in byte order (tieBreak < 0 when a's id is smaller).
 * stats.exact counts the exact comparisons, so tests can see the slow path
 * really ran.
 */
export function makeBefore(tieBreak: (a: Ranked, b: Ranked) => number, stats: { exact: number }): Before {
  return (a, b) => {
    const d = a.key - b.key;
    if (Math.abs(d) > 1e-9 * Math.max(Math.abs(a.key), Math.abs(b.key))) return d > 0;
    stats.exact++;
    const c = exactCompare(a, b);
    if (c !== 0) return c > 0;
    return tieBreak(a, b) < 0;
  };
}

/**
 * TopK keeps the k best entries seen: a binary min-heap whose root is the
 * worst kept, exactly like algo.go's Ranker, so memory and work stay at the
 * top k instead of sorting every entry.
 */
export class TopK {
  readonly heap: Ranked[] = [];
  constructor(
    readonly k: number,
    private readonly before: Before,
  ) {}

  /** worse is the heap's order: the root is the entry that ranks last. */
  private worse(i: number, j: number): boolean {
    return this.before(this.heap[j]!, this.heap[i]!);
  }

  /**
   * offer adds an entry whose key is computed. Like Ranker.AddRaw, an entry
   * clearly worse than the worst kept is dropped without the exact check.
   */
  offer(x: Ranked): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(x);
      this.up(h.length - 1);
      return;
    }
    if (this.k === 0) return;
    const root = h[0]!;
    if (x.key < root.key - 1e-9 * Math.abs(root.key)) return;
    if (this.before(x, root)) {
      h[0] = x;
      this.down(0);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      let j = l;
      if (l + 1 < h.length && this.worse(l + 1, l)) j = l + 1;
      if (!this.worse(j, i)) break;
      [h[i], h[j]] = [h[j]!, h[i]!];
      i = j;
    }
  }

  /** The kept entries, best first. */
  sorted(): Ranked[] {
    return [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }
}
