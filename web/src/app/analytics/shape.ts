// Analytics responses shaped for the screen: measured vs estimated labels,
// the channel bars, the chart's series (gaps filled with zeros) and the
// figures of the ROI breakdown. Pure functions, tested without a DOM.

import type { ChannelsReport, Dashboard, RoiReport, Schemas, Timeline } from "../types";

type Figures = Schemas["Figures"];
export type Kind = "measured" | "estimated";

/** Whether a field (a dotted path) is measured or estimated; a listed parent covers its children. */
export function kindOf(path: string, figures: Figures | null | undefined): Kind | null {
  if (!figures) return null;
  const hit = (list: string[]) => list.some((p) => p === path || path.startsWith(p + "."));
  if (hit(figures.measured)) return "measured";
  if (hit(figures.estimated)) return "estimated";
  return null;
}

export interface Card {
  key: "participants" | "views" | "conversion" | "roi";
  value: number;
  format: "num" | "pct";
  kind: Kind | null;
  /** The target ROI beside the estimate. */
  target?: number;
}

/** The four summary cards: participants, views, conversion rate, estimated ROI. */
export function summaryCards(d: Dashboard): Card[] {
  const s = d.summary;
  return [
    { key: "participants", value: s.participants, format: "num", kind: kindOf("summary.participants", d.figures) },
    { key: "views", value: s.totalViews, format: "num", kind: kindOf("summary.totalViews", d.figures) },
    { key: "conversion", value: s.conversionRate, format: "pct", kind: kindOf("summary.conversionRate", d.figures) },
    { key: "roi", value: s.estimatedRoi, format: "pct", kind: kindOf("summary.estimatedRoi", d.figures), target: s.targetRoi },
  ];
}

export interface ChannelRow {
  channel: string;
  views: number;
  participants: number;
  conversionRate: number;
  impressions: number;
  distributionStatus: string | null;
  distributionCost: number | null;
  /** Bar lengths, 0..100, relative to the largest channel. */
  participantsPct: number;
  viewsPct: number;
}

const pctOf = (v: number, max: number) => (max > 0 ? Math.round((v / max) * 1000) / 10 : 0);

/**
 * The channel table and bars: the dashboard's channel performance (display
 * order), with each channel's distribution cost from the channel report when
 * there is one.
 */
export function channelRows(d: Dashboard, report: ChannelsReport | null): ChannelRow[] {
  const cost = new Map(report?.channels.map((c) => [c.channel, c.costs.distributionCost]) ?? []);
  const maxP = Math.max(0, ...d.channelPerformance.map((c) => c.participants));
  const maxV = Math.max(0, ...d.channelPerformance.map((c) => c.views));
  return d.channelPerformance.map((c) => ({
    channel: c.channel,
    views: c.views,
    participants: c.participants,
    conversionRate: c.conversionRate,
    impressions: c.impressions,
    distributionStatus: c.distributionStatus,
    distributionCost: cost.get(c.channel) ?? null,
    participantsPct: pctOf(c.participants, maxP),
    viewsPct: pctOf(c.views, maxV),
  }));
}

export interface Series {
  /** Unix seconds, ascending, one per hour (or day). */
  xs: number[];
  participants: number[];
  views: number[];
  total: number;
}

const STEP = { hourly: 3600, daily: 86400 } as const;
/** Up to this many slots, gaps are filled with zeros (a quiet hour is a real zero). */
export const FILL_MAX = 24 * 120;

/** The chart's series: sorted, duplicates summed, missing hours (or days) as zeros. */
export function timelineSeries(t: Timeline): Series {
  const step = STEP[t.granularity] ?? 3600;
  const byX = new Map<number, { p: number; v: number }>();
  for (const pt of t.points) {
    const x = Math.floor(Date.parse(pt.timestamp) / 1000);
    if (!Number.isFinite(x)) continue;
    const have = byX.get(x) ?? { p: 0, v: 0 };
    have.p += pt.participants;
    have.v += pt.views;
    byX.set(x, have);
  }
  let xs = [...byX.keys()].sort((a, b) => a - b);
  if (xs.length > 1) {
    const first = xs[0]!;
    const last = xs[xs.length - 1]!;
    const aligned = xs.every((x) => (x - first) % step === 0);
    if (aligned && (last - first) / step < FILL_MAX) {
      xs = [];
      for (let x = first; x <= last; x += step) xs.push(x);
    }
  }
  // A lone point gets a quiet slot either side, so the chart has a span to draw.
  if (xs.length === 1) xs = [xs[0]! - step, xs[0]!, xs[0]! + step];
  const participants = xs.map((x) => byX.get(x)?.p ?? 0);
  const views = xs.map((x) => byX.get(x)?.v ?? 0);
  return { xs, participants, views, total: participants.reduce((a, b) => a + b, 0) };
}

export type Fmt = "krw" | "pct" | "ratioPct" | "num" | "days" | "text";
export interface Line {
  key: string;
  value: number | string;
  fmt: Fmt;
  kind: Kind | null;
}

/** The ROI breakdown as labelled lines, each with its measured/estimated kind. */
export function roiLines(r: RoiReport) {
  const k = (path: string) => kindOf(path, r.figures);
  const line = (key: string, value: number | string, fmt: Fmt, path: string): Line => ({ key, value, fmt, kind: k(path) });
  const a = r.assumptions;
  const m = r.measuredInputs;
  return {
    headline: [
      line("roi", r.roi, "pct", "roi"),
      line("targetRoi", r.targetRoi, "pct", "targetRoi"),
      line("salesGrowth", r.salesGrowthRate, "pct", "salesGrowthRate"),
      line("costPerParticipant", r.costPerParticipant, "krw", "costPerParticipant"),
      line("revenuePerParticipant", r.revenuePerParticipant, "krw", "revenuePerParticipant"),
    ],
    investment: [
      line("investment", r.investment.total, "krw", "investment.total"),
      line("prizeCost", r.investment.prizeCost, "krw", "investment.prizeCost"),
      line("contentCreation", r.investment.contentCreation, "krw", "investment.contentCreation"),
      line("operation", r.investment.operation, "krw", "investment.operation"),
      line("distribution", r.investment.distribution, "krw", "investment.distribution"),
    ],
    revenue: [
      line("revenue", r.revenue.total, "krw", "revenue.total"),
      line("directSales", r.revenue.directSales, "krw", "revenue.directSales"),
      line("expectedSales", r.revenue.expectedSales, "krw", "revenue.expectedSales"),
      line("newCustomerRevenue", r.revenue.newCustomerRevenue, "krw", "revenue.newCustomerRevenue"),
      line("existingCustomerRevenue", r.revenue.existingCustomerRevenue, "krw", "revenue.existingCustomerRevenue"),
    ],
    measured: [
      line("participants", m.participants, "num", "measuredInputs.participants"),
      line("storeVisits", m.storeVisits, "num", "measuredInputs.storeVisits"),
      line("views", m.views, "num", "measuredInputs.views"),
      line("budget", m.budget, "krw", "measuredInputs.budget"),
      line("postedChannels", m.postedChannels.join(", "), "text", "measuredInputs.postedChannels"),
      line("eventDays", m.eventDays, "days", "measuredInputs.eventDays"),
    ],
    assumptions: [
      line("industryCategory", a.industryCategory, "text", "assumptions.industryCategory"),
      line("averageSpend", a.averageSpend, "krw", "assumptions.averageSpend"),
      line("laterVisitRate", a.laterVisitRate, "ratioPct", "assumptions.laterVisitRate"),
      line("repeatVisits", a.repeatVisits, "num", "assumptions.repeatVisits"),
      line("expectedVisits", a.expectedVisits, "num", "assumptions.expectedVisits"),
      line("baselineDailyRevenue", a.baselineDailyRevenue, "krw", "assumptions.baselineDailyRevenue"),
      line("baselineRevenue", a.baselineRevenue, "krw", "assumptions.baselineRevenue"),
      line("prizeShare", a.prizeShare, "ratioPct", "assumptions.prizeShare"),
      line("contentShare", a.contentShare, "ratioPct", "assumptions.contentShare"),
      line("operationShare", a.operationShare, "ratioPct", "assumptions.operationShare"),
      line("directSalesShare", a.directSalesShare, "ratioPct", "assumptions.directSalesShare"),
      line("newCustomerShare", a.newCustomerShare, "ratioPct", "assumptions.newCustomerShare"),
      line("plannedDistribution", a.plannedDistribution, "krw", "assumptions.plannedDistribution"),
    ],
    channelCosts: Object.entries(a.channelCosts ?? {}).map(([ch, v]) => line(ch, v, "krw", "assumptions.channelCosts")),
  };
}

/** The newest "last updated" of the parts that say one. */
export function lastUpdated(...stamps: Array<string | null | undefined>): string | null {
  let best: string | null = null;
  for (const s of stamps) if (s && (!best || Date.parse(s) > Date.parse(best))) best = s;
  return best;
}
