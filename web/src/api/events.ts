// The public calls the two pages make.

import { ApiError, json, request } from "./client";
import type { ApiPath, EventPublic, EventResults, PhoneCodeSent, PhoneVerified, Receipt, Source, Submission, ViewRecord } from "./types";

/** The URL of a documented path (servers: /api/v1) with its {eventId}. */
function url(path: ApiPath, eventId: string): string {
  return "/api/v1" + path.replace("{eventId}", encodeURIComponent(eventId));
}

export const getEvent = (eventId: string) => json<EventPublic>("GET", url("/public/events/{eventId}", eventId));

export const getResults = (eventId: string) => json<EventResults>("GET", url("/public/events/{eventId}/results", eventId));

export const sendPhoneCode = (eventId: string, phoneNumber: string) =>
  json<PhoneCodeSent>("POST", url("/public/events/{eventId}/phone-verifications", eventId), { phoneNumber });

export const confirmPhoneCode = (eventId: string, phoneNumber: string, code: string) =>
  json<PhoneVerified>("POST", url("/public/events/{eventId}/phone-verifications/confirm", eventId), { phoneNumber, code });

export const submitEntry = (eventId: string, body: Submission) => json<Receipt>("POST", url("/events/{eventId}/participate", eventId), body);

/**
 * The proof bundle exactly as served: the text is what the download offers.
 * While the server is (re)building it, it answers 503 PROOF_001 with
 * Retry-After: wait that long (capped) and ask again, a few times.
 */
export async function getProofText(eventId: string, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await request("GET", url("/public/events/{eventId}/draw-proof", eventId));
      return await res.text();
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== "PROOF_001" || attempt >= 5) throw e;
      await sleep(Math.min(e.retryAfter ?? 5, 10) * 1000);
    }
  }
}

/**
 * recordView counts one view of the entry page for a channel. sendBeacon
 * survives the page being closed and never delays it; where it is missing
 * or refuses, a keepalive fetch does the same. Failures are nobody's
 * business but analytics'.
 */
export function recordView(eventId: string, ch: Source): void {
  const target = url("/public/events/{eventId}/views", eventId);
  const body = JSON.stringify({ ch } satisfies ViewRecord);
  try {
    if (navigator.sendBeacon?.(target, body)) return;
  } catch {
    // fall through
  }
  fetch(target, { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain;charset=UTF-8" } }).catch(() => {});
}
