// What the bundle says about one entry number, and whether the published
// winners list agrees with a verified draw. Pure, like verify.ts.

import type { ProofBundle } from "./verify";

export type EntryStatus = { kind: "won"; rank: number; substitute: boolean } | { kind: "lost" } | { kind: "none" };

/** Who holds each winning rank once the substitutions are applied. */
export function holdersOf(b: Pick<ProofBundle, "winners" | "substitutions">): Map<number, string> {
  const holders = new Map<number, string>();
  for (const w of b.winners) holders.set(w.rank, w.participantId);
  for (const s of b.substitutions ?? []) holders.set(s.rank, s.replacement);
  return holders;
}

/** 당첨 / 미당첨 / 응모 내역 없음 for an entry number, from the bundle. */
export function entryStatus(b: Pick<ProofBundle, "winners" | "substitutions" | "entries">, participantId: string): EntryStatus {
  const holders = holdersOf(b);
  for (const [rank, id] of holders) {
    if (id === participantId) {
      const substitute = (b.substitutions ?? []).some((s) => s.rank === rank && s.replacement === id);
      return { kind: "won", rank, substitute };
    }
  }
  return b.entries.some((e) => e.participantId === participantId) ? { kind: "lost" } : { kind: "none" };
}

/** An entry number as people type it: 20261126000010 → 20261126-000010. */
export function normalizeEntryNumber(s: string): string {
  const t = s.trim().replace(/\s+/g, "");
  return /^\d{14}$/.test(t) ? `${t.slice(0, 8)}-${t.slice(8)}` : t;
}

export interface PublishedWinner {
  rank: number;
  entryTail: string;
  substitute: boolean;
}

/**
 * The first rank where the page's winners list (EventResultsGet) disagrees
 * with the verified holders: a different entry tail, a wrong substitute
 * mark, a rank missing or extra. Null when they agree.
 */
export function publishedMismatch(published: PublishedWinner[], holders: Map<number, string>, original: Map<number, string>): number | null {
  const seen = new Set<number>();
  for (const w of published) {
    const holder = holders.get(w.rank);
    if (!holder || !holder.endsWith(w.entryTail) || w.entryTail.length === 0 || w.substitute !== (holder !== original.get(w.rank))) return w.rank;
    seen.add(w.rank);
  }
  for (const rank of [...holders.keys()].sort((a, b) => a - b)) if (!seen.has(rank)) return rank;
  return null;
}
