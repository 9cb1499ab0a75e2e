// Calendar arithmetic for event dates (YYYY-MM-DD in the event's time zone)
// without a date library: the day boundaries come from Intl.

const DAY = 86_400_000;

/** Parses YYYY-MM-DD to its UTC midnight (ms), the date's calendar identity. */
export function ymdToUTC(ymd: string): number {
  const [y, m, d] = ymd.split("-").map(Number);
  return Date.UTC(y!, m! - 1, d!);
}

export function utcToYmd(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function addDays(ymd: string, days: number): string {
  return utcToYmd(ymdToUTC(ymd) + days * DAY);
}

/** Whole calendar days from a to b. */
export function daysBetween(a: string, b: string): number {
  return Math.round((ymdToUTC(b) - ymdToUTC(a)) / DAY);
}

/** The weekday (0 = Sunday) of a date. */
export function weekday(ymd: string): number {
  return new Date(ymdToUTC(ymd)).getUTCDay();
}

function wallClock(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

/** The instant a date begins in a time zone (its local midnight). */
export function startOfDay(ymd: string, timeZone: string): number {
  const guess = ymdToUTC(ymd);
  let t = guess - (wallClock(guess, timeZone) - guess);
  t = guess - (wallClock(t, timeZone) - t); // again, in case the offset changed in between
  return t;
}

/** Today's date in a time zone. */
export function todayIn(timeZone: string, now: number): string {
  return utcToYmd(wallClock(now, timeZone) - (wallClock(now, timeZone) % DAY));
}

export type Phase = "notStarted" | "open" | "ended" | "drawn";

export interface Schedule {
  startDate: string;
  endDate: string;
  timeZone: string;
  status: string;
  drawnAt?: string | null;
}

/** Where an event stands at now: its window is [start 00:00, end+1 00:00) in its zone. */
export function phaseOf(e: Schedule, now: number): { phase: Phase; opensAt: number; closesAt: number } {
  const opensAt = startOfDay(e.startDate, e.timeZone);
  const closesAt = startOfDay(addDays(e.endDate, 1), e.timeZone);
  const phase: Phase = e.drawnAt ? "drawn" : e.status === "ENDED" || now >= closesAt ? "ended" : now < opensAt ? "notStarted" : "open";
  return { phase, opensAt, closesAt };
}

/** A duration split for display, rounded up to the minute. */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number } {
  const total = Math.max(0, Math.ceil(ms / 60_000));
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}
