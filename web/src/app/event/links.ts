// The public addresses an owner hands out: the entry page per channel (the
// `ch` the entry page counts views and entries by), the results page and
// the draw's proof.

import type { Channel, Source } from "../types";

const enc = encodeURIComponent;

export const entryPath = (id: string, ch?: Source) => `/e/${enc(id)}${ch ? `?ch=${enc(ch)}` : ""}`;
export const resultPath = (id: string) => `/e/${enc(id)}/result`;
export const proofPath = (id: string) => `/api/v1/public/events/${enc(id)}/draw-proof`;

/** An absolute URL on this origin (what a QR code and a poster carry). */
export const absolute = (path: string, origin: string = location.origin) => origin + path;

/** The sources a QR code is made for: the event's channels, then the store's counter and a plain link. */
export function qrSources(channels: readonly Channel[]): Source[] {
  const out: Source[] = [];
  for (const c of channels) if (!out.includes(c)) out.push(c);
  out.push("STORE_QR", "DIRECT");
  return out;
}
