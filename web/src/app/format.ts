// Money, numbers and dates as the owner reads them: KRW and Asia/Seoul,
// through Intl only (no date library).

const TZ = "Asia/Seoul";
const krwFmt = new Intl.NumberFormat("ko-KR", { style: "currency", currency: "KRW", maximumFractionDigits: 0 });
const numFmt = new Intl.NumberFormat("ko-KR");
const pctFmt = new Intl.NumberFormat("ko-KR", { maximumFractionDigits: 1 });
const dateFmt = new Intl.DateTimeFormat("ko-KR", { timeZone: TZ, year: "numeric", month: "long", day: "numeric", weekday: "short" });
const dayFmt = new Intl.DateTimeFormat("ko-KR", { timeZone: "UTC", year: "numeric", month: "long", day: "numeric", weekday: "short" });
const dateTimeFmt = new Intl.DateTimeFormat("ko-KR", {
  timeZone: TZ,
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const ymdFmt = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" });

/** An amount in won: ₩12,000. */
export const krw = (n: number | null | undefined): string => (n == null || !Number.isFinite(n) ? "-" : krwFmt.format(n));

/** A count with thousands separators. */
export const num = (n: number | null | undefined): string => (n == null || !Number.isFinite(n) ? "-" : numFmt.format(n));

/** A percentage figure (already in %): 12.3%. */
export const pct = (n: number | null | undefined): string => (n == null || !Number.isFinite(n) ? "-" : `${pctFmt.format(n)}%`);

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * seoulDate writes a day: a calendar date (YYYY-MM-DD, already in the event's
 * zone) as is, an instant as its day in Asia/Seoul.
 */
export function seoulDate(v: string | Date | null | undefined): string {
  if (v == null || v === "") return "-";
  if (typeof v === "string" && DATE_ONLY.test(v)) return dayFmt.format(new Date(`${v}T00:00:00Z`));
  const d = typeof v === "string" ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? "-" : dateFmt.format(d);
}

/** An instant as date and time in Asia/Seoul. */
export function seoulDateTime(v: string | Date | null | undefined): string {
  if (v == null || v === "") return "-";
  const d = typeof v === "string" ? new Date(v) : v;
  return Number.isNaN(d.getTime()) ? "-" : dateTimeFmt.format(d);
}

/** Today's date in Asia/Seoul as YYYY-MM-DD (for comparing with event dates). */
export const seoulToday = (now: Date = new Date()): string => ymdFmt.format(now);
