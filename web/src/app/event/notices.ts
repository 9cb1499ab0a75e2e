// The winner notices on the draw screen, apart from the DOM: what each
// winner's notice says, who a request would reach, and whether the screen
// keeps refreshing (while any notice is on its way).

import type { Ranked, Drawn } from "./draw";
import type { Winner, WinnerNotification } from "../types";

export type NoticeStatus = WinnerNotification["status"];

/** The notice of a ranked winner; none means never queued. */
export const statusOf = (w: Ranked): NoticeStatus => w.notification?.status ?? "NOT_SENT";

/** Winners a plain request would queue (those never notified). */
export const unnotified = (d: Drawn) => d.winners.filter((w) => statusOf(w) === "NOT_SENT");

/** Whether any notice is still on its way, so the screen polls. */
export const anyQueued = (d: Drawn) => d.winners.some((w) => statusOf(w) === "QUEUED");

/** The winners with the notices a fresh WinnerList read reports. */
export function withNotices(d: Drawn, listed: (Winner & { notification?: WinnerNotification })[]): Drawn {
  const by = new Map(listed.map((w) => [w.participantId, w.notification]));
  return {
    ...d,
    winners: d.winners.map((w) => {
      const n = by.get(w.participantId);
      if (!n) return w;
      return { ...w, notification: n };
    }),
  };
}

/** Why a notice failed, as the owner reads it: the server's reason is for logs, these are its kinds. */
export type FailKind = "notWinner" | "unknown" | "exhausted" | "refused" | "setup" | "other";

export function failKind(error: string | undefined): FailKind {
  const e = (error ?? "").toLowerCase();
  if (e.includes("not a current winner")) return "notWinner";
  if (e.includes("outcome unknown")) return "unknown";
  if (e.includes("gave up after")) return "exhausted";
  if (e.includes("not configured") || e.includes("template") || e.includes("send_no")) return "setup";
  if (e.includes("refused") || e.includes("permanent") || e.includes("recipient")) return "refused";
  return "other";
}

/** The text of a winner's notice state. */
export function noticeText(
  w: Ranked,
  t: {
    noticeNotSent: string;
    noticeQueued: string;
    noticeSentAlimTalk: string;
    noticeSentSms: string;
    noticeFailed: (reason: string) => string;
    failReasons: Record<FailKind, string>;
  },
): string {
  const n = w.notification;
  switch (n?.status ?? "NOT_SENT") {
    case "QUEUED":
      return t.noticeQueued;
    case "SENT":
      return n?.channel === "SMS" ? t.noticeSentSms : t.noticeSentAlimTalk;
    case "FAILED":
      return t.noticeFailed(t.failReasons[failKind(n?.error)]);
    default:
      return t.noticeNotSent;
  }
}
