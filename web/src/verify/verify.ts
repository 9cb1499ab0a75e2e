// verifyProof recomputes a draw from its public proof bundle following
// docs/draw.md (ES-HMAC-SHA256/v1) and reports the first mismatch, in the
// same order as shared/participation/verify.go. It is a pure function of the
// bundle (plus the commitment the event page showed), with no DOM and no
// strings for people: the page turns a Failure into Korean.

import { compareBytes, fromHex, toHex, utf8Length } from "./bytes";
import { makeBefore, mOf, keyOf, TopK } from "./rank";

export const ALGORITHM_VERSION = "ES-HMAC-SHA256/v1";

export interface ProofEntry {
  participantId: string;
  weight: number;
}
export interface ProofRank {
  rank: number;
  participantId: string;
}
export interface ProofSubstitution {
  rank: number;
  disqualified: string;
  replacement: string;
  /** Why the winner was taken out (DisqualifyCategory); the owner's own words are never public. */
  category?: string;
  substitutedAt?: string;
}
/** The bundle of docs/draw.md as served by DrawProofGet. */
export interface ProofBundle {
  eventId: string;
  algorithm: string;
  algorithmVersion: string;
  seed: string;
  seedCommitment: string;
  entriesHash: string;
  totalEntries: number;
  winnerCount: number;
  alternateCount: number;
  winners: ProofRank[];
  alternates: ProofRank[];
  substitutions: ProofSubstitution[] | null;
  drawnAt: string;
  entries: ProofEntry[];
}

/** The first thing that did not check out; the page words it. */
export type Failure =
  | { kind: "shape"; field: string }
  | { kind: "version"; got: string }
  | { kind: "seedFormat" }
  | { kind: "seedCommitment"; computed: string; bundle: string }
  | { kind: "publishedCommitment"; published: string; bundle: string }
  | { kind: "algorithm"; got: string }
  | { kind: "randomWeight"; index: number; participantId: string; weight: number }
  | { kind: "weightRange"; index: number; participantId: string; weight: number }
  | { kind: "order"; index: number; participantId: string }
  | { kind: "entriesHash"; computed: string; bundle: string }
  | { kind: "totalEntries"; computed: number; bundle: number }
  | { kind: "tooFew"; count: number; winnerCount: number }
  | { kind: "winnerCount"; bundle: number; computed: number }
  | { kind: "winner"; rank: number; bundle: string; computed: string }
  | { kind: "alternateCount"; bundle: number; computed: number }
  | { kind: "alternate"; rank: number; bundle: string; computed: string }
  | { kind: "substitutionNoAlternate"; index: number }
  | { kind: "substitutionHolder"; index: number; rank: number; holder: string; disqualified: string }
  | { kind: "substitutionReplacement"; index: number; replacement: string; expected: string };

export interface Verified {
  ok: true;
  /** Winners then alternates, best first, as recomputed. */
  ranked: string[];
  entriesHash: string;
  /** Who holds each winning rank after the substitutions. */
  holders: Map<number, string>;
  /** How many comparisons needed the exact integer rule. */
  exactComparisons: number;
}
export type VerifyResult = Verified | { ok: false; failure: Failure };

export interface VerifyOptions {
  /** The commitment the event page has shown since publish (drawCommitment). */
  publishedCommitment?: string;
  /** Called after each chunk of entries with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Entries signed per batch (default 4096). */
  chunk?: number;
  /** WebCrypto; defaults to globalThis.crypto.subtle. */
  subtle?: SubtleCrypto;
}

const enc = new TextEncoder();

function shapeError(b: unknown): string | null {
  if (typeof b !== "object" || b === null) return "bundle";
  const o = b as Record<string, unknown>;
  for (const f of ["algorithm", "algorithmVersion", "seed", "seedCommitment", "entriesHash"])
    if (typeof o[f] !== "string") return f;
  for (const f of ["totalEntries", "winnerCount", "alternateCount"])
    if (!Number.isSafeInteger(o[f]) || (o[f] as number) < 0) return f;
  for (const f of ["winners", "alternates", "entries"]) if (!Array.isArray(o[f])) return f;
  if (o.substitutions != null && !Array.isArray(o.substitutions)) return "substitutions";
  const ranks = (a: unknown[]) =>
    a.every((r) => typeof r === "object" && r !== null && typeof (r as ProofRank).participantId === "string" && typeof (r as ProofRank).rank === "number");
  if (!ranks(o.winners as unknown[])) return "winners";
  if (!ranks(o.alternates as unknown[])) return "alternates";
  const subs = (o.substitutions ?? []) as unknown[];
  for (const s of subs) {
    const x = s as ProofSubstitution;
    if (typeof s !== "object" || s === null || typeof x.rank !== "number" || typeof x.disqualified !== "string" || typeof x.replacement !== "string")
      return "substitutions";
  }
  for (const e of o.entries as unknown[]) {
    const x = e as ProofEntry;
    if (typeof e !== "object" || e === null || typeof x.participantId !== "string" || typeof x.weight !== "number") return "entries";
  }
  return null;
}

async function sha256Hex(subtle: SubtleCrypto, data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>)));
}

/** Lets the page paint between batches, without the 4 ms clamp of nested timers. */
function yieldToPage(): Promise<void> {
  if (typeof MessageChannel === "undefined") return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** What the draw's inputs give, before comparing with what the bundle claims. */
export interface Recomputed {
  ranked: string[];
  entriesHash: string;
  exactComparisons: number;
}

/**
 * recompute checks the bundle's inputs (version, seed against its
 * commitment, algorithm, weights, canonical order, entries hash, count) and
 * ranks the entries: the best winnerCount + alternateCount, best first.
 */
export async function recompute(input: unknown, opts: VerifyOptions = {}): Promise<Recomputed | { failure: Failure }> {
  const fail = (failure: Failure) => ({ failure });
  const shape = shapeError(input);
  if (shape) return fail({ kind: "shape", field: shape });
  const p = input as ProofBundle;
  const subtle = opts.subtle ?? globalThis.crypto.subtle;

  if (p.algorithmVersion !== ALGORITHM_VERSION) return fail({ kind: "version", got: p.algorithmVersion });
  const seed = /^[0-9a-f]{64}$/i.test(p.seed) ? fromHex(p.seed) : null;
  if (!seed) return fail({ kind: "seedFormat" });
  const commitment = await sha256Hex(subtle, seed);
  if (commitment !== p.seedCommitment) return fail({ kind: "seedCommitment", computed: commitment, bundle: p.seedCommitment });
  if (opts.publishedCommitment !== undefined && opts.publishedCommitment !== p.seedCommitment)
    return fail({ kind: "publishedCommitment", published: opts.publishedCommitment, bundle: p.seedCommitment });
  if (p.algorithm !== "RANDOM" && p.algorithm !== "WEIGHTED") return fail({ kind: "algorithm", got: p.algorithm });

  // One pass over the entries: weights, canonical order, and the canonical
  // lines concatenated into one buffer. Each id is then a view into that
  // buffer: the bytes that are hashed are the bytes that are signed.
  const entries = p.entries;
  const n = entries.length;
  const starts = new Int32Array(n);
  const lens = new Int32Array(n);
  let text = "";
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (p.algorithm === "RANDOM" && e.weight !== 1)
      return fail({ kind: "randomWeight", index: i, participantId: e.participantId, weight: e.weight });
    if (!Number.isInteger(e.weight) || e.weight < 1 || e.weight > 1000)
      return fail({ kind: "weightRange", index: i, participantId: e.participantId, weight: e.weight });
    const w = String(e.weight);
    starts[i] = pos;
    lens[i] = utf8Length(e.participantId);
    pos += lens[i]! + 2 + w.length;
    text += e.participantId + "," + w + "\n";
  }
  const all = enc.encode(text);
  for (let i = 1; i < n; i++)
    if (compareBytes(all, starts[i]!, lens[i]!, starts[i - 1]!, lens[i - 1]!) <= 0)
      return fail({ kind: "order", index: i, participantId: entries[i]!.participantId });

  const entriesHash = await sha256Hex(subtle, all);
  if (entriesHash !== p.entriesHash) return fail({ kind: "entriesHash", computed: entriesHash, bundle: p.entriesHash });
  if (p.totalEntries !== n) return fail({ kind: "totalEntries", computed: n, bundle: p.totalEntries });

  // The draw: HMAC-SHA256(seed, id) per entry, signed in batches so WebCrypto
  // works in parallel and the page can paint a progress bar in between.
  const key = await subtle.importKey("raw", seed as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const stats = { exact: 0 };
  const before = makeBefore((a, b) => compareBytes(all, starts[a.index]!, lens[a.index]!, starts[b.index]!, lens[b.index]!), stats);
  const top = new TopK(p.winnerCount + p.alternateCount, before);
  const chunk = Math.max(1, opts.chunk ?? 4096);
  let lastYield = Date.now();
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk);
    const jobs: Promise<ArrayBuffer>[] = new Array(to - from);
    for (let i = from; i < to; i++) jobs[i - from] = subtle.sign("HMAC", key, all.subarray(starts[i]!, starts[i]! + lens[i]!));
    const macs = await Promise.all(jobs);
    for (let i = from; i < to; i++) {
      const m = mOf(new Uint8Array(macs[i - from]!, 0, 8));
      const w = entries[i]!.weight;
      top.offer({ index: i, m, weight: w, key: keyOf(m, w) });
    }
    opts.onProgress?.(to, n);
    if (Date.now() - lastYield > 30) {
      await yieldToPage();
      lastYield = Date.now();
    }
  }
  const ranked = top.sorted().map((r) => entries[r.index]!.participantId);
  return { ranked, entriesHash, exactComparisons: stats.exact };
}

/**
 * verifyProof recomputes the draw and compares it with the bundle's
 * winners, alternates and substitutions, in verify.go's order.
 */
export async function verifyProof(input: unknown, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const r = await recompute(input, opts);
  if ("failure" in r) return { ok: false, failure: r.failure };
  const fail = (failure: Failure): VerifyResult => ({ ok: false, failure });
  const p = input as ProofBundle;
  const { ranked } = r;
  const n = p.entries.length;
  if (n < p.winnerCount) return fail({ kind: "tooFew", count: n, winnerCount: p.winnerCount });
  if (p.winners.length !== Math.min(p.winnerCount, ranked.length))
    return fail({ kind: "winnerCount", bundle: p.winners.length, computed: p.winnerCount });
  for (let i = 0; i < p.winners.length; i++) {
    const w = p.winners[i]!;
    if (w.rank !== i + 1 || w.participantId !== ranked[i])
      return fail({ kind: "winner", rank: i + 1, bundle: w.participantId, computed: ranked[i]! });
  }
  const alts = ranked.slice(p.winnerCount);
  if (p.alternates.length !== alts.length) return fail({ kind: "alternateCount", bundle: p.alternates.length, computed: alts.length });
  for (let i = 0; i < p.alternates.length; i++) {
    const a = p.alternates[i]!;
    if (a.rank !== i + 1 || a.participantId !== alts[i])
      return fail({ kind: "alternate", rank: i + 1, bundle: a.participantId, computed: alts[i]! });
  }
  // Substitutions promote the alternates in order into the freed rank.
  const holders = new Map<number, string>();
  for (const w of p.winners) holders.set(w.rank, w.participantId);
  const subs = p.substitutions ?? [];
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i]!;
    if (i >= alts.length) return fail({ kind: "substitutionNoAlternate", index: i + 1 });
    const holder = holders.get(s.rank) ?? "";
    if (holder !== s.disqualified)
      return fail({ kind: "substitutionHolder", index: i + 1, rank: s.rank, holder, disqualified: s.disqualified });
    if (s.replacement !== alts[i]) return fail({ kind: "substitutionReplacement", index: i + 1, replacement: s.replacement, expected: alts[i]! });
    holders.set(s.rank, s.replacement);
  }
  return { ok: true, ranked, entriesHash: r.entriesHash, holders, exactComparisons: r.exactComparisons };
}
