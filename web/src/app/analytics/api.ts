// The four analytics calls, for one event (/events/{id}) or across an
// owner's events (/users/{userId}): the same suffixes, the same shapes.

import { ApiError } from "../../api/client";
import { api } from "../http";
import type { ChannelsReport, Dashboard, RoiReport, Timeline } from "../types";

export const eventBase = (id: string) => `/api/v1/events/${encodeURIComponent(id)}`;
export const userBase = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

export interface Report {
  dashboard: Dashboard;
  channels: ChannelsReport | null;
  roi: RoiReport | null;
  timeline: Timeline | null;
  /** A part that failed (the rest is still shown). */
  partError: unknown;
}

/** No figures yet (within 5 minutes of publishing): an empty state, not an error. */
export const noDataYet = (e: unknown) => e instanceof ApiError && e.code === "ANALYTICS_001";

/**
 * loadReport fetches the dashboard (which decides between the report and the
 * empty state) and the other three beside it; they may fail alone.
 */
export async function loadReport(base: string, refresh = false, signal?: AbortSignal): Promise<Report> {
  const opts = signal ? { signal } : undefined;
  const part = <T,>(p: Promise<T>) => p.then((v): [T | null, unknown] => [v, null], (e: unknown): [T | null, unknown] => [null, e]);
  const [dashboard, channels, roi, timeline] = await Promise.all([
    api<Dashboard>("GET", `${base}/analytics${refresh ? "?refresh=true" : ""}`, undefined, opts),
    part(api<ChannelsReport>("GET", `${base}/analytics/channels`, undefined, opts)),
    part(api<RoiReport>("GET", `${base}/analytics/roi`, undefined, opts)),
    part(api<Timeline>("GET", `${base}/analytics/timeline?granularity=hourly`, undefined, opts)),
  ]);
  const partError = [channels[1], roi[1], timeline[1]].find((e) => e != null && !noDataYet(e)) ?? null;
  return { dashboard, channels: channels[0], roi: roi[0], timeline: timeline[0], partError };
}
