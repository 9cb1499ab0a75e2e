// The funnel's state, as pure functions: which step a draft is on (derived
// from its fields, so a reload lands on the same step), the URL that holds
// it (/app/events/new?id=<eventId>&step=<n>&job=<jobId>), the readiness list
// and the mapping of the API's field errors onto the form's fields.

import type { FieldError } from "../../api/client";
import type { Channel, ChannelSelect, ChannelSettings, Draft, TimeSlot } from "./types";

/** 1 objective, 2 AI plans, 3 choose a plan, 4 posters, 5 edit the poster, 6 channels, 7 review and publish. */
export type Step = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const STEPS: readonly Step[] = [1, 2, 3, 4, 5, 6, 7];

export const FUNNEL_PATH = "/app/events/new";

/**
 * The furthest step the draft's fields put it on: no plans yet → 2; plans
 * but none chosen → 3; no posters, or none chosen → 4; no channels → 6;
 * else the review. (Editing the poster, 5, is optional: reached from 4.)
 */
export function deriveStep(d: Draft | null | undefined): Step {
  if (!d) return 1;
  if (d.recommendations.length === 0) return 2;
  if (!d.selectedRecommendationId) return 3;
  if (d.images.length === 0 || !d.selectedImageId) return 4;
  if (d.channels.length === 0) return 6;
  return 7;
}

/** Whether the draft has what a step needs (going back to an earlier step is always fine). */
export function canShow(step: Step, d: Draft | null | undefined): boolean {
  switch (step) {
    case 1:
      return true;
    case 2:
      return !!d;
    case 3:
      return !!d && d.recommendations.length > 0;
    case 4:
      return !!d && !!d.selectedRecommendationId;
    case 5:
    case 6:
      return !!d && !!d.selectedRecommendationId && !!d.selectedImageId;
    case 7:
      return !!d && !!d.selectedRecommendationId && !!d.selectedImageId && d.channels.length > 0;
  }
}

/** The funnel's part of the URL. */
export interface FunnelQuery {
  id: string | null;
  step: Step | null;
  job: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readQuery(q: URLSearchParams): FunnelQuery {
  const id = q.get("id");
  const job = q.get("job");
  const n = Number(q.get("step"));
  return {
    id: id && UUID.test(id) ? id : null,
    step: Number.isInteger(n) && n >= 1 && n <= 7 ? (n as Step) : null,
    job: job && UUID.test(job) ? job : null,
  };
}

export function funnelUrl(s: Partial<FunnelQuery>): string {
  const q = new URLSearchParams();
  if (s.id) q.set("id", s.id);
  if (s.id && s.step) q.set("step", String(s.step));
  if (s.id && s.job) q.set("job", s.job);
  const qs = q.toString();
  return qs ? `${FUNNEL_PATH}?${qs}` : FUNNEL_PATH;
}

/**
 * The step to show: the one the URL asks for when the draft allows it (back
 * and forward, an earlier step revisited, the optional poster edit), else
 * the one the draft's fields put it on.
 */
export function currentStep(q: FunnelQuery, d: Draft | null | undefined): Step {
  if (!q.id || !d) return 1;
  if (q.step && canShow(q.step, d)) return q.step;
  return deriveStep(d);
}

// ---------------------------------------------------------------- readiness

/** What EventPublish would refuse for (shared/event missingForPublish), worked out from the draft. */
export function missingItems(d: Draft, today: string): string[] {
  const m: string[] = [];
  if (!d.eventName) m.push("eventName");
  if (!d.startDate) m.push("startDate");
  if (!d.endDate) m.push("endDate");
  else if (d.endDate < today) m.push("endDate (in the past)");
  if (!d.selectedRecommendationId) m.push("selectedRecommendation");
  if (!d.selectedImageId) m.push("selectedImage");
  if (d.channels.length === 0) m.push("channels");
  return m;
}

export const READINESS_ITEMS = [
  "eventName",
  "startDate",
  "endDate",
  "endDate (in the past)",
  "selectedRecommendation",
  "selectedImage",
  "channels",
] as const;

/**
 * The `missing` list of an EVENT_005 problem, read back from its detail
 * ("the event is not ready to publish: [eventName channels] missing"), since
 * the client's ApiError keeps only code, detail and field errors.
 */
export function missingFromDetail(detail: string): string[] {
  const open = detail.indexOf("[");
  const close = detail.lastIndexOf("]");
  if (open < 0 || close < open) return [];
  let inner = detail.slice(open + 1, close);
  const out: string[] = [];
  for (const item of [...READINESS_ITEMS].sort((a, b) => b.length - a.length)) {
    const re = new RegExp(`(^|\\s)${item.replace(/[()]/g, "\\$&")}(?=\\s|$)`);
    if (re.test(inner)) {
      out.push(item);
      inner = inner.replace(re, " ");
    }
  }
  return READINESS_ITEMS.filter((i) => out.includes(i));
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

// ---------------------------------------------------------------- field errors

/**
 * The API's field errors as field → message, with the keys the form uses.
 * `prefix` drops a leading path ("settings." for the channels form), so
 * `settings.RINGOBIZ.phoneNumber` lands on the input keyed `RINGOBIZ.phoneNumber`.
 * The first message per field wins; `message` turns the API's (English)
 * message into the one to show.
 */
export function fieldErrorMap(
  errors: readonly FieldError[],
  message: (field: string, apiMessage: string) => string,
  prefix = "",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const key = prefix && e.field.startsWith(prefix) ? e.field.slice(prefix.length) : e.field;
    if (!(key in out)) out[key] = message(e.field, e.message);
  }
  return out;
}

/** The field errors no input on the form shows (so they go in the form's error note). */
export function unplacedErrors(errs: Record<string, string>, shown: readonly string[]): string[] {
  return Object.entries(errs)
    .filter(([k]) => !shown.includes(k))
    .map(([, v]) => v);
}

// ---------------------------------------------------------------- channels form

export const CHANNELS: readonly Channel[] = ["URIDONGNETV", "RINGOBIZ", "GINITV", "INSTAGRAM", "NAVER", "KAKAO"];
export const SNS: readonly Channel[] = ["INSTAGRAM", "NAVER", "KAKAO"];
export const RADII = ["500m", "1km", "2km", "3km", "5km"] as const;
export const TIME_SLOTS: readonly TimeSlot[] = ["MORNING", "LUNCH", "AFTERNOON", "EVENING", "NIGHT", "ALL_DAY"];

/** The channels form as typed: strings only, so nothing typed is ever lost. */
export interface ChannelForm {
  selected: Channel[];
  tvRadius: string;
  tvSlot: string;
  giniSlot: string;
  giniRegion: string;
  ringoPhone: string;
  ringoMessage: string;
  /** per SNS channel: datetime-local value (Asia/Seoul wall time) and hashtags as typed */
  sns: Record<string, { when: string; tags: string }>;
}

export function emptyChannelForm(): ChannelForm {
  return {
    selected: [],
    tvRadius: "1km",
    tvSlot: "ALL_DAY",
    giniSlot: "ALL_DAY",
    giniRegion: "",
    ringoPhone: "",
    ringoMessage: "",
    sns: { INSTAGRAM: { when: "", tags: "" }, NAVER: { when: "", tags: "" }, KAKAO: { when: "", tags: "" } },
  };
}

/** The form filled from the draft's channels and (normalised) settings. */
export function channelFormOf(d: Draft): ChannelForm {
  const f = emptyChannelForm();
  f.selected = [...d.channels];
  const s = d.channelSettings ?? {};
  if (s.URIDONGNETV) {
    f.tvRadius = s.URIDONGNETV.radius || f.tvRadius;
    f.tvSlot = s.URIDONGNETV.timeSlot || f.tvSlot;
  }
  if (s.GINITV) {
    f.giniSlot = s.GINITV.timeSlot || f.giniSlot;
    f.giniRegion = s.GINITV.region ?? "";
  }
  if (s.RINGOBIZ) {
    f.ringoPhone = s.RINGOBIZ.phoneNumber ?? "";
    f.ringoMessage = s.RINGOBIZ.message ?? "";
  }
  for (const ch of SNS) {
    const v = s[ch as "INSTAGRAM"];
    if (v) f.sns[ch] = { when: v.scheduledTime ? seoulLocalInput(v.scheduledTime) : "", tags: (v.hashtags ?? []).join(" ") };
  }
  return f;
}

/** An instant as a datetime-local value in Asia/Seoul (UTC+9, no daylight saving). */
export function seoulLocalInput(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return new Date(t + 9 * 3600_000).toISOString().slice(0, 16);
}

/** A datetime-local value read as Asia/Seoul wall time, as an RFC 3339 instant. */
export function seoulInstant(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return null;
  return `${local}:00+09:00`;
}

export function parseTags(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((t) => t.replace(/^#+/, "").trim())
    .filter(Boolean);
}

/** The ChannelSelect body: only the selected channels, each with its settings. */
export function channelRequest(f: ChannelForm): ChannelSelect {
  const channels = CHANNELS.filter((c) => f.selected.includes(c));
  const settings: ChannelSettings = {};
  for (const ch of channels) {
    switch (ch) {
      case "URIDONGNETV":
        settings.URIDONGNETV = { radius: f.tvRadius as "1km", timeSlot: f.tvSlot as TimeSlot };
        break;
      case "GINITV":
        settings.GINITV = { timeSlot: f.giniSlot as TimeSlot, ...(f.giniRegion.trim() ? { region: f.giniRegion.trim() } : {}) };
        break;
      case "RINGOBIZ":
        settings.RINGOBIZ = { phoneNumber: f.ringoPhone.trim(), ...(f.ringoMessage.trim() ? { message: f.ringoMessage.trim() } : {}) };
        break;
      default: {
        const v = f.sns[ch] ?? { when: "", tags: "" };
        const tags = parseTags(v.tags);
        settings[ch] = { scheduledTime: seoulInstant(v.when), ...(tags.length ? { hashtags: tags } : {}) };
      }
    }
  }
  return { channels, settings };
}
