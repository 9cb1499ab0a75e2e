import { describe, expect, it } from "vitest";
import { verifyProof, type ProofBundle, type Failure } from "./verify";
import { exactCompare, keyOf, makeBefore, mOf, type Ranked } from "./rank";
import { compareBytes, fromHex, toHex, utf8Length } from "./bytes";
import file from "./testdata/vectors.json";

interface Vector {
  name: string;
  bundle: ProofBundle;
  ranked: string[];
  entriesHash: string;
  nearTie?: string[];
}
const vectors = file.vectors as unknown as Vector[];
const copy = (b: ProofBundle): ProofBundle => structuredClone(b);

async function failureOf(b: unknown, published?: string): Promise<Failure> {
  const r = await verifyProof(b, published === undefined ? {} : { publishedCommitment: published });
  if (r.ok) throw new Error("the tampered bundle verified");
  return r.failure;
}

describe("the Go draw's vectors", () => {
  it("cover both algorithms, substitutions, 2,000 entries and a near tie", () => {
    expect(file.algorithmVersion).toBe("ES-HMAC-SHA256/v1");
    const algs = new Set(vectors.map((v) => v.bundle.algorithm));
    expect(algs).toEqual(new Set(["RANDOM", "WEIGHTED"]));
    expect(vectors.some((v) => (v.bundle.substitutions ?? []).length > 1)).toBe(true);
    expect(vectors.some((v) => v.bundle.entries.length >= 2000)).toBe(true);
    expect(vectors.some((v) => v.nearTie)).toBe(true);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s: reproduces winners, alternates and the entries hash", async (_, v) => {
    const progress: number[] = [];
    const r = await verifyProof(v.bundle, {
      publishedCommitment: v.bundle.seedCommitment,
      chunk: 256,
      onProgress: (done) => progress.push(done),
    });
    if (!r.ok) throw new Error(JSON.stringify(r.failure));
    expect(r.ranked).toEqual(v.ranked);
    expect(r.entriesHash).toBe(v.entriesHash);
    expect(r.ranked.slice(0, v.bundle.winnerCount)).toEqual(v.bundle.winners.map((w) => w.participantId));
    expect(r.ranked.slice(v.bundle.winnerCount)).toEqual(v.bundle.alternates.map((a) => a.participantId));
    expect(progress.at(-1)).toBe(v.bundle.entries.length);
    for (const s of v.bundle.substitutions ?? []) expect(r.holders.get(s.rank)).toBeDefined();
    if (v.nearTie) {
      expect(r.exactComparisons).toBeGreaterThan(0);
      const [a, b] = v.nearTie.map((id) => v.ranked.indexOf(id));
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s: rejects tampered copies", async (_, v) => {
    // One weight changed: a RANDOM draw refuses any weight but 1; a
    // WEIGHTED one no longer matches its entries hash.
    const weight = copy(v.bundle);
    weight.entries[0]!.weight = weight.entries[0]!.weight === 1 ? 3 : 1;
    expect((await failureOf(weight)).kind).toBe(v.bundle.algorithm === "RANDOM" ? "randomWeight" : "entriesHash");

    const seed = copy(v.bundle);
    seed.seed = (seed.seed[0] === "0" ? "1" : "0") + seed.seed.slice(1);
    expect(await failureOf(seed)).toMatchObject({ kind: "seedCommitment", bundle: v.bundle.seedCommitment });

    // A winner swapped with the first alternate, or with the runner-up.
    const swapped = copy(v.bundle);
    const w0 = swapped.winners[0]!;
    const other = swapped.alternates[0] ?? swapped.winners[1]!;
    [w0.participantId, other.participantId] = [other.participantId, w0.participantId];
    expect(await failureOf(swapped)).toMatchObject({ kind: "winner", rank: 1, bundle: w0.participantId, computed: v.ranked[0] });

    expect(await failureOf(v.bundle, "0".repeat(64))).toMatchObject({ kind: "publishedCommitment" });

    const order = copy(v.bundle);
    [order.entries[0], order.entries[1]] = [order.entries[1]!, order.entries[0]!];
    expect((await failureOf(order)).kind).toBe("order");

    const hash = copy(v.bundle);
    hash.entriesHash = "f".repeat(64);
    expect((await failureOf(hash)).kind).toBe("entriesHash");

    const version = copy(v.bundle);
    version.algorithmVersion = "ES-HMAC-SHA256/v2";
    expect((await failureOf(version)).kind).toBe("version");
  });
});

describe("substitutions", () => {
  const v = vectors.find((x) => (x.bundle.substitutions ?? []).length >= 2)!;
  it("must promote the next alternate", async () => {
    const b = copy(v.bundle);
    b.substitutions![0]!.replacement = b.alternates[1]!.participantId;
    expect(await failureOf(b)).toMatchObject({ kind: "substitutionReplacement", index: 1, expected: b.alternates[0]!.participantId });
  });
  it("must take the rank from its holder at that time", async () => {
    const b = copy(v.bundle);
    const s = b.substitutions![1]!;
    s.disqualified = b.winners[s.rank - 1]!.participantId; // already replaced by the first substitution
    expect(await failureOf(b)).toMatchObject({ kind: "substitutionHolder", index: 2 });
  });
  it("cannot outnumber the alternates", async () => {
    const b = copy(v.bundle);
    const alts = b.alternates.length;
    const holders = new Map(b.winners.map((w) => [w.rank, w.participantId]));
    for (const s of b.substitutions!) holders.set(s.rank, s.replacement);
    b.substitutions = b.alternates.map((a, i) => {
      const sub = { rank: 1, disqualified: i === 0 ? holders.get(1)! : b.alternates[i - 1]!.participantId, replacement: a.participantId };
      return sub;
    });
    b.substitutions.push({ rank: 1, disqualified: b.alternates[alts - 1]!.participantId, replacement: "nobody" });
    expect(await failureOf(b)).toMatchObject({ kind: "substitutionNoAlternate", index: alts + 1 });
  });
});

describe("malformed bundles", () => {
  it.each([
    ["not an object", null, "bundle"],
    ["no entries", { ...vectors[0]!.bundle, entries: undefined }, "entries"],
    ["a string weight", { ...vectors[0]!.bundle, entries: [{ participantId: "a", weight: "1" }] }, "entries"],
    ["a negative winner count", { ...vectors[0]!.bundle, winnerCount: -1 }, "winnerCount"],
  ])("%s", async (_, b, field) => {
    expect(await failureOf(b)).toEqual({ kind: "shape", field });
  });
  it("refuses a short seed and weights outside 1..1000", async () => {
    expect((await failureOf({ ...vectors[0]!.bundle, seed: "abcd" })).kind).toBe("seedFormat");
    const w = vectors.find((x) => x.bundle.algorithm === "WEIGHTED")!;
    for (const weight of [0, 1001, 1.5]) {
      const b = copy(w.bundle);
      b.entries[3]!.weight = weight;
      expect(await failureOf(b)).toMatchObject({ kind: "weightRange", index: 3 });
    }
  });
  it("needs as many entries as winners", async () => {
    const v = vectors[0]!;
    const b = copy(v.bundle);
    b.winnerCount = b.entries.length + 1;
    expect(await failureOf(b)).toMatchObject({ kind: "tooFew" });
  });
});

describe("the arithmetic of docs/draw.md", () => {
  it("takes m from the first 8 bytes shifted right by 11", () => {
    const mac = fromHex("ffffffffffffffff" + "00".repeat(24))!;
    expect(mOf(mac)).toBe(2 ** 53 - 1);
    expect(mOf(fromHex("0000000000000800" + "00".repeat(24))!)).toBe(1);
    expect(mOf(fromHex("80000000000007ff" + "00".repeat(24))!)).toBe(2 ** 52);
  });
  it("compares keys exactly near a tie and breaks exact ties by id", () => {
    const mk = (index: number, m: number, weight: number): Ranked => ({ index, m, weight, key: keyOf(m, weight) });
    // u^(1/2) for m' with (2m'+1) = (2m+1)^2 / 2^54 is not an integer in
    // general; use the identity on powers of two instead: m = 2^52 - 1 gives
    // u = (2^53 - 1)/2^54 and the same m with weight 1 vs 2 orders by the
    // exact rule: u^(1/2) > u.
    const a = mk(0, 2 ** 52 - 1, 2);
    const b = mk(1, 2 ** 52 - 1, 1);
    expect(exactCompare(a, b)).toBe(1);
    const stats = { exact: 0 };
    const before = makeBefore((x, y) => x.index - y.index, stats);
    const c = mk(2, 12345, 2);
    const d = mk(3, 12345, 2);
    expect(before(c, d)).toBe(true);
    expect(before(d, c)).toBe(false);
    expect(stats.exact).toBe(2);
  });
  it("hashes the example of docs/draw.md", async () => {
    const sum = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("a,1\nb,3\n"));
    const entries = [{ participantId: "a", weight: 1 }, { participantId: "b", weight: 3 }];
    const seed = new Uint8Array(32);
    const bundle = {
      eventId: "e", algorithm: "WEIGHTED", algorithmVersion: "ES-HMAC-SHA256/v1", seed: toHex(seed),
      seedCommitment: toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", seed))),
      entriesHash: toHex(new Uint8Array(sum)), totalEntries: 2, winnerCount: 1, alternateCount: 0,
      winners: [{ rank: 1, participantId: "zzz" }], alternates: [], substitutions: [], drawnAt: "", entries,
    };
    // The hash and the seed check out; only the made-up winner does not.
    expect(await failureOf(bundle)).toMatchObject({ kind: "winner", rank: 1, bundle: "zzz" });
  });
  it("measures UTF-8 like TextEncoder and orders bytes, not UTF-16 units", () => {
    for (const s of ["a", "é", "가", "ｱ", "😀", "\ud800", "a\udc00b"]) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
    const buf = new TextEncoder().encode("ｱ😀");
    expect(compareBytes(buf, 0, 3, 3, 4)).toBeLessThan(0); // U+FF71 < U+1F600 in UTF-8, not in UTF-16
    expect("ｱ" < "😀").toBe(false);
  });
});
