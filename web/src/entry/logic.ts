// The entry form's decisions, free of the DOM so Vitest can pin them down:
// where the visitor came from, what a valid entry is, what a server answer
// means for the page.

import { ApiError, NETWORK } from "../api/client";
import type { Source as ApiSource, Submission } from "../api/types";
import { form as t } from "../i18n/ko";
import { normalizePhone } from "../lib/phone";

/** Where a visitor may come from: the six channels, the store's QR code, or directly (event.Sources). */
export const SOURCES = ["URIDONGNETV", "RINGOBIZ", "GINITV", "INSTAGRAM", "NAVER", "KAKAO", "STORE_QR", "DIRECT"] as const satisfies readonly ApiSource[];
export type Source = (typeof SOURCES)[number];
// …and every source the API documents is in the list.
type Missing = Exclude<ApiSource, Source>;
export const everySourceListed: Missing extends never ? true : Missing = true;

/** The source from the link's ?ch=, DIRECT when it is missing or not one of ours. */
export function sourceOf(search: string): Source {
  const ch = new URLSearchParams(search).get("ch")?.trim().toUpperCase() ?? "";
  return (SOURCES as readonly string[]).includes(ch) ? (ch as Source) : "DIRECT";
}

/** A store visit code: six digits (shared/event.WellFormedVisitCode). */
export const VISIT_CODE = /^[0-9]{6}$/;

/** The store visit code from the store QR link's ?v=, "" when it is missing or not six digits. */
export function visitCodeOf(search: string): string {
  const v = new URLSearchParams(search).get("v")?.trim() ?? "";
  return VISIT_CODE.test(v) ? v : "";
}

/** What the visit code field keeps of typed text: digits only, at most six. */
export const visitCodeInput = (typed: string) => typed.replace(/[^0-9]/g, "").slice(0, 6);

/** MOBILE on a phone-sized viewport, WEB otherwise. */
export function channelOf(viewportWidth: number): "WEB" | "MOBILE" {
  return viewportWidth < 768 ? "MOBILE" : "WEB";
}

export interface Values {
  name: string;
  phone: string;
  email: string;
  agreePrivacy: boolean;
  agreeMarketing: boolean;
  /** The day's store visit code, from the link or typed; "" for an entry without a visit. */
  visitCode: string;
}
export type Field = "name" | "phone" | "email" | "visitCode" | "agreePrivacy";
export type FieldErrors = Partial<Record<Field, string>>;

// The server's rule is net/mail's; this only catches what is clearly not an address.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** validate checks what the server would refuse, in the page's words. */
export function validate(v: Values): FieldErrors {
  const e: FieldErrors = {};
  const name = v.name.trim();
  if (!name) e.name = t.nameRequired;
  else if ([...name].length > 50) e.name = t.nameTooLong;
  if (!v.phone.trim()) e.phone = t.phoneRequired;
  else if (!normalizePhone(v.phone)) e.phone = t.phoneInvalid;
  const email = v.email.trim();
  if (email && (!EMAIL.test(email) || email.length > 100)) e.email = t.emailInvalid;
  const code = v.visitCode.trim();
  if (code && !VISIT_CODE.test(code)) e.visitCode = t.visitCodeFormat;
  if (!v.agreePrivacy) e.agreePrivacy = t.privacyRequired;
  return e;
}

/**
 * The request body; the same values give the same body, so a retry is the same entry.
 * A store visit is the day's code (the server derives storeVisited from it), never a claim.
 */
export function submissionOf(v: Values, source: Source, channel: "WEB" | "MOBILE"): Submission {
  const body: Submission = {
    name: v.name.trim(),
    phoneNumber: normalizePhone(v.phone) ?? v.phone.trim(),
    agreePrivacy: v.agreePrivacy,
    agreeMarketing: v.agreeMarketing,
    channel,
    source,
  };
  const email = v.email.trim();
  if (email) body.email = email;
  const code = v.visitCode.trim();
  if (code) body.visitCode = code;
  return body;
}

/** What a failed submit means for the page. */
export type Outcome =
  | { kind: "already" }
  | { kind: "closed"; message: string }
  | { kind: "wait"; seconds: number }
  | { kind: "fields"; errors: FieldErrors; message: string }
  | { kind: "visit"; message: string }
  | { kind: "retry"; message: string };

const serverField: Record<string, Field> = { name: "name", phoneNumber: "phone", email: "email", agreePrivacy: "agreePrivacy" };
const fieldMessage: Record<Field, string> = {
  name: t.nameRequired, phone: t.phoneInvalid, email: t.emailInvalid, visitCode: t.visitCodeFormat, agreePrivacy: t.privacyRequired,
};

export function outcomeOf(err: unknown, ev: { startDate: string; endDate: string }): Outcome {
  if (!(err instanceof ApiError)) return { kind: "retry", message: t.server };
  switch (err.code) {
    case "PART_001":
      return { kind: "already" };
    case "PART_002":
      return { kind: "closed", message: t.outOfPeriod(ev.startDate, ev.endDate) };
    case "PART_005":
      return { kind: "closed", message: t.closed };
    case "EVENT_001":
      return { kind: "closed", message: t.eventGone };
    case "PART_010":
      // The code is wrong or not today's: nothing was stored; the customer
      // may correct it or enter without the bonus.
      return { kind: "visit", message: t.visitCodeWrong };
    case "PART_009":
      return { kind: "wait", seconds: Math.min(Math.max(err.retryAfter ?? 5, 1), 600) };
    case NETWORK:
      return { kind: "retry", message: t.network };
    case "VALIDATION_001": {
      const errors: FieldErrors = {};
      for (const fe of err.fieldErrors) {
        const f = serverField[fe.field];
        if (f) errors[f] = fieldMessage[f];
      }
      return { kind: "fields", errors, message: t.fieldInvalid };
    }
  }
  return { kind: "retry", message: t.server };
}
