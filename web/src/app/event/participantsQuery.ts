// The participants screen's filters, kept in the page's URL (reload and
// back/forward keep them) and turned into the API's query.

import type { Schemas } from "../types";

export type EntryChannel = Schemas["EntryChannel"];
export const ENTRY_CHANNELS: readonly EntryChannel[] = ["WEB", "MOBILE", "INSTORE"];
export const PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_SIZE = 20;
export const SEARCH_MAX = 50;

export interface ParticipantFilters {
  storeVisited: boolean | null;
  channel: EntryChannel | null;
  isWinner: boolean | null;
  search: string;
  page: number;
  size: number;
}

export const emptyFilters: ParticipantFilters = { storeVisited: null, channel: null, isWinner: null, search: "", page: 0, size: DEFAULT_SIZE };

const bool = (v: string | null): boolean | null => (v === "true" ? true : v === "false" ? false : null);

function int(v: string | null, fallback: number, min: number, max: number): number {
  if (v === null || !/^\d+$/.test(v)) return fallback;
  const n = Number(v);
  return n < min || n > max ? fallback : n;
}

/**
 * normalizeSearch trims the text and keeps it within the API's 50 characters.
 * Hyphens stay: the API matches the text against names and entry numbers
 * (20261201-000042) as typed, and its digits against phone numbers.
 */
export function normalizeSearch(s: string): string {
  return [...s.trim().replace(/\s+/g, " ")].slice(0, SEARCH_MAX).join("").trim();
}

/** The filters a page URL's query says (anything invalid is left at its default). */
export function filtersFromQuery(q: URLSearchParams): ParticipantFilters {
  const ch = q.get("channel");
  const size = int(q.get("size"), DEFAULT_SIZE, 1, 100);
  return {
    storeVisited: bool(q.get("storeVisited")),
    channel: ENTRY_CHANNELS.includes(ch as EntryChannel) ? (ch as EntryChannel) : null,
    isWinner: bool(q.get("isWinner")),
    search: normalizeSearch(q.get("search") ?? ""),
    page: int(q.get("page"), 0, 0, 1_000_000),
    size,
  };
}

/** The query of the filters, defaults left out: the page URL's, and with always=true the API's. */
export function queryOf(f: ParticipantFilters, always = false): string {
  const q = new URLSearchParams();
  if (f.storeVisited !== null) q.set("storeVisited", String(f.storeVisited));
  if (f.channel) q.set("channel", f.channel);
  if (f.isWinner !== null) q.set("isWinner", String(f.isWinner));
  const s = normalizeSearch(f.search);
  if (s) q.set("search", s);
  if (always || f.page > 0) q.set("page", String(Math.max(0, Math.floor(f.page))));
  if (always || f.size !== DEFAULT_SIZE) q.set("size", String(Math.min(100, Math.max(1, Math.floor(f.size)))));
  return q.toString();
}

/** A change of any filter but the page goes back to the first page. */
export function withFilter(f: ParticipantFilters, change: Partial<Omit<ParticipantFilters, "page">>): ParticipantFilters {
  return { ...f, ...change, page: 0 };
}

export const hasFilters = (f: ParticipantFilters): boolean =>
  f.storeVisited !== null || f.channel !== null || f.isWinner !== null || f.search !== "";

/** The file name of a CSV answer's Content-Disposition, else a sensible one. */
export function csvFileName(disposition: string | null, eventId: string): string {
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition ?? "");
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition ?? "");
  const name = plain?.[1]?.trim() || `participants-${eventId}.csv`;
  return name.replace(/[\\/]/g, "_");
}
