// Entry integrity on the owner's screens: the anomaly flags of the
// participants list in words, the search rule the API enforces (so the
// owner learns it before a round trip), and the disqualification categories.

import { integrity as t } from "../../i18n/console";
import type { Schemas } from "../types";

export type Anomalies = Schemas["ParticipantAnomalies"];
export type DisqualifyCategory = Schemas["DisqualifyCategory"];
export type ParticipantFlag = NonNullable<Schemas["Participant"]["flags"]>[number];

export const DISQUALIFY_CATEGORIES: readonly DisqualifyCategory[] = ["DUPLICATE_ENTRY", "INELIGIBLE", "UNREACHABLE", "DECLINED", "FRAUD", "OTHER"];

export const hasAnomalies = (a: Anomalies | null | undefined): a is Anomalies => !!a && (a.flaggedNetworks > 0 || a.flaggedMinutes > 0);

const minuteFmt = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul",
  month: "numeric",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** A flagged minute as the owner reads it: "11월 26일 10:05" (Asia/Seoul). */
export function minuteLabel(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "-";
  const p = Object.fromEntries(minuteFmt.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.month}월 ${p.day}일 ${p.hour}:${p.minute}`;
}

/** One line per flagged network and minute, most entries first, then how many more there are. */
export function anomalyLines(a: Anomalies): string[] {
  const lines = [
    ...a.networks.map((n) => t.network(n.entries, n.network)),
    ...a.bursts.map((b) => t.burst(minuteLabel(b.minute), b.entries)),
  ];
  const more = a.flaggedNetworks - a.networks.length + (a.flaggedMinutes - a.bursts.length);
  if (more > 0) lines.push(t.more(more));
  return lines;
}

/** The draw checklist's one-line summary of the flags. */
export const anomalySummary = (a: Anomalies): string => t.summary(a.flaggedNetworks, a.flaggedMinutes);

export type SearchProblem = "partialNumber" | "short" | null;

const ENTRY_NUMBER = /^[0-9]{8}-[A-Za-z0-9]{1,40}$/;
const PHONE_CHARS = /^[0-9\s().+-]+$/;

/** Digits of a Korean mobile number as the API normalises it (shared/phone), or null. */
function mobileDigits(q: string): string | null {
  let d = q.replace(/[\s().-]/g, "");
  if (d.lastIndexOf("+") > 0) return null;
  if (d.startsWith("+82")) d = "0" + d.slice(3).replace(/^0/, "");
  else if (d.startsWith("82") && d.length >= 11) d = "0" + d.slice(2).replace(/^0/, "");
  if (!/^01[016789][0-9]{7,8}$/.test(d)) return null;
  if (d[2] === "0" && d.length !== 11) return null;
  return d;
}

/**
 * searchProblem says why the API would refuse a search (400 on `search`):
 * it takes a full phone number in any format, exactly its last four digits,
 * an entry number, or a name's first two or more characters, and nothing
 * else, so a search can never reveal what the masks hide.
 */
export function searchProblem(raw: string): SearchProblem {
  const q = raw.trim();
  if (q === "" || ENTRY_NUMBER.test(q)) return null;
  if (PHONE_CHARS.test(q)) {
    if (/^[0-9]{4}$/.test(q)) return null;
    return mobileDigits(q) ? null : "partialNumber";
  }
  return [...q].length < 2 ? "short" : null;
}
