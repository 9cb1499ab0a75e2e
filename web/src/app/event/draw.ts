// The draw screen's rules, apart from the DOM: the checklist before the draw,
// the alternates left after substitutions, and one call at a time.

import type { DrawProof } from "./api";
import type { Draw, EventStatus, Winner, WinnerNotification } from "../types";

export type Algorithm = "RANDOM" | "WEIGHTED";
export const ALTERNATES_DEFAULT = 3;
export const WINNERS_MAX = 1000;
export const ALTERNATES_MAX = 100;

export interface CheckItem {
  ok: boolean;
  text: string;
}

/** A ranked entry as the screen lists it; the masked name and phone when known. */
export interface Ranked {
  rank: number;
  participantId: string;
  name?: string;
  phoneNumber?: string;
  substitute?: boolean;
  /** The winner's notice (WinnerList); absent for alternates and right after the draw (not sent). */
  notification?: WinnerNotification;
}

export interface Drawn {
  algorithm: Algorithm;
  drawnAt: string;
  total: number;
  winners: Ranked[];
  alternates: Ranked[];
  /** Alternates known by entry number only (after a reload: from the public proof). */
  alternatesById: boolean;
}

/** Whether a count typed into the form is a whole number within [min, max]. */
export const validCount = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/** What the checklist says, and whether the draw may start. */
export function readiness(
  status: EventStatus,
  entries: number,
  winners: number,
  alternates: number,
  t: { okDraft: string; okStatus: string; okEntries: (n: number, w: number) => string; tooFew: (n: number, w: number) => string },
): { items: CheckItem[]; ready: boolean } {
  const items: CheckItem[] = [
    status === "DRAFT" ? { ok: false, text: t.okDraft } : { ok: true, text: t.okStatus },
    entries >= winners ? { ok: true, text: t.okEntries(entries, winners) } : { ok: false, text: t.tooFew(entries, winners) },
  ];
  const counts = validCount(winners, 1, WINNERS_MAX) && validCount(alternates, 0, ALTERNATES_MAX);
  return { items, ready: counts && items.every((i) => i.ok) };
}

/** WinnerList's items carry the notice; the draw's own answer does not. */
type Listed = Winner & { notification?: WinnerNotification };

const ranked = (w: Listed): Ranked => ({
  rank: w.rank,
  participantId: w.participantId,
  name: w.name,
  phoneNumber: w.phoneNumber,
  ...(w.notification ? { notification: w.notification } : {}),
});

/** The screen's view of a draw just made. */
export function fromDraw(d: Draw): Drawn {
  return {
    algorithm: d.algorithm,
    drawnAt: d.drawnAt,
    total: d.totalParticipants,
    winners: d.winners.map(ranked),
    alternates: d.alternates.map(ranked),
    alternatesById: false,
  };
}

/**
 * The view of an earlier draw: the current winners (masked, from WinnerList)
 * and, from the public proof, how it was drawn and which alternates were not
 * yet used by a substitution (entry numbers only).
 */
export function fromEarlier(winners: Listed[], proof: DrawProof | null): Drawn {
  const replaced = new Set(proof?.substitutions.map((s) => s.replacement) ?? []);
  const subRanks = new Set(proof?.substitutions.map((s) => s.rank) ?? []);
  const current = new Set(winners.map((w) => w.participantId));
  return {
    algorithm: (proof?.algorithm ?? "RANDOM") as Algorithm,
    drawnAt: proof?.drawnAt ?? winners[0]?.wonAt ?? "",
    total: proof?.totalEntries ?? 0,
    winners: winners.map((w) => ({ ...ranked(w), substitute: subRanks.has(w.rank) && replaced.has(w.participantId) })),
    alternates: (proof?.alternates ?? [])
      .filter((a) => !replaced.has(a.participantId) && !current.has(a.participantId))
      .map((a, i) => ({ rank: i + 1, participantId: a.participantId })),
    alternatesById: true,
  };
}

/**
 * After a disqualification: the winners as WinnerList now says, the alternate
 * who took the rank marked, and taken out of the alternates.
 */
export function afterDisqualify(prev: Drawn, winners: Listed[], replacedBy: string): Drawn {
  const known = new Map(prev.alternates.map((a) => [a.participantId, a]));
  const before = new Map(prev.winners.map((w) => [w.participantId, w]));
  return {
    ...prev,
    winners: winners.map((w) => ({
      ...ranked(w),
      substitute: w.participantId === replacedBy || (before.get(w.participantId)?.substitute ?? false) || known.has(w.participantId),
    })),
    alternates: prev.alternates.filter((a) => a.participantId !== replacedBy && !winners.some((w) => w.participantId === a.participantId)),
  };
}

/**
 * once wraps an async action so that calls while one is in flight share it
 * (a double click, Enter and a click) instead of sending a second request.
 */
export function once<A extends unknown[], T>(fn: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let running: Promise<T> | null = null;
  return (...args: A) => {
    if (running) return running;
    const p = fn(...args).finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };
}
