import { describe, expect, it } from "vitest";
import { entryStatus, holdersOf, normalizeEntryNumber, publishedMismatch } from "./status";
import type { ProofBundle } from "./verify";
import file from "./testdata/vectors.json";

const withSubs = (file.vectors as unknown as { name: string; bundle: ProofBundle }[]).find((v) => v.name === "weighted-12-substitutions")!.bundle;

describe("내 응모 확인", () => {
  const [w1, w2, w3] = withSubs.winners.map((w) => w.participantId);
  const [a1, a2] = withSubs.alternates.map((a) => a.participantId);
  const others = withSubs.entries.map((e) => e.participantId).filter((id) => ![w1, w2, w3, a1, a2].includes(id));

  it("answers 당첨 with the rank for a winner who kept it", () => {
    expect(entryStatus(withSubs, w1!)).toEqual({ kind: "won", rank: 1, substitute: false });
    expect(entryStatus(withSubs, w3!)).toEqual({ kind: "won", rank: 3, substitute: false });
  });
  it("follows the substitutions: rank 2 went to alternate 1, then to alternate 2", () => {
    expect(withSubs.substitutions!.map((s) => s.rank)).toEqual([2, 2]);
    expect(entryStatus(withSubs, w2!)).toEqual({ kind: "lost" });
    expect(entryStatus(withSubs, a1!)).toEqual({ kind: "lost" });
    expect(entryStatus(withSubs, a2!)).toEqual({ kind: "won", rank: 2, substitute: true });
  });
  it("answers 미당첨 for any other entry and 응모 내역 없음 for an unknown number", () => {
    expect(entryStatus(withSubs, others[0]!)).toEqual({ kind: "lost" });
    expect(entryStatus(withSubs, "20000101-999999")).toEqual({ kind: "none" });
  });
  it("reads entry numbers typed without the hyphen or with spaces", () => {
    expect(normalizeEntryNumber(" 20261126000010 ")).toBe("20261126-000010");
    expect(normalizeEntryNumber("20261126 - 000010")).toBe("20261126-000010");
    expect(normalizeEntryNumber("abc")).toBe("abc");
  });
});

describe("the published winners list against the verified draw", () => {
  const holders = holdersOf(withSubs);
  const original = new Map(withSubs.winners.map((w) => [w.rank, w.participantId]));
  const published = [...holders].map(([rank, id]) => ({ rank, entryTail: id.slice(-4), substitute: id !== original.get(rank) }));
  it("agrees when ranks, tails and substitute marks match", () => expect(publishedMismatch(published, holders, original)).toBeNull());
  it.each([
    ["a different tail", (p: typeof published) => (p[0]!.entryTail = "9999")],
    ["a missing substitute mark", (p: typeof published) => (p.find((w) => w.substitute)!.substitute = false)],
    ["a missing rank", (p: typeof published) => p.splice(2, 1)],
  ])("finds %s", (_, change) => {
    const p = structuredClone(published);
    change(p);
    expect(publishedMismatch(p, holders, original)).not.toBeNull();
  });
});
