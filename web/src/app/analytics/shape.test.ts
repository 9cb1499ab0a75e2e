import { describe, expect, it } from "vitest";
import type { ChannelsReport, Dashboard, RoiReport, Timeline } from "../types";
import { channelRows, kindOf, lastUpdated, roiLines, summaryCards, timelineSeries } from "./shape";

const figures = {
  measured: ["summary.participants", "summary.totalViews", "summary.conversionRate", "measuredInputs.participants"],
  estimated: ["summary.estimatedRoi", "investment", "revenue", "roi", "assumptions"],
};
const perf = (channel: string, views: number, participants: number) => ({
  channel, channelType: "SNS" as const, views, participants, conversions: 0, conversionRate: views ? (participants / views) * 100 : 0,
  impressions: views * 3, estimatedViews: 0, distributionStatus: "SUCCESS",
});
const dash: Dashboard = {
  eventId: "e1", events: 1,
  summary: { participants: 12, totalViews: 100, engagementRate: 5, conversionRate: 12, estimatedRoi: 150.5, targetRoi: 200, salesGrowthRate: 3, storeVisits: 4, marketingOptIns: 2 },
  channelPerformance: [perf("INSTAGRAM", 80, 10), perf("STORE_QR", 20, 2), perf("KAKAO", 0, 0)],
  roi: { totalInvestment: 1, expectedRevenue: 2, roi: 3, costPerParticipant: 4, revenuePerParticipant: 5 },
  figures, lastUpdated: "2026-12-01T03:00:00Z",
};

describe("analytics shaping", () => {
  it("labels figures measured or estimated, parents covering children", () => {
    expect(kindOf("summary.participants", figures)).toBe("measured");
    expect(kindOf("summary.estimatedRoi", figures)).toBe("estimated");
    expect(kindOf("investment.prizeCost", figures)).toBe("estimated");
    expect(kindOf("roiX", figures)).toBeNull();
    expect(kindOf("summary.participants", null)).toBeNull();
  });

  it("makes the four summary cards with their kinds and the ROI target", () => {
    const cards = summaryCards(dash);
    expect(cards.map((c) => [c.key, c.value, c.kind])).toEqual([
      ["participants", 12, "measured"],
      ["views", 100, "measured"],
      ["conversion", 12, "measured"],
      ["roi", 150.5, "estimated"],
    ]);
    expect(cards[3]!.target).toBe(200);
  });

  it("sizes channel bars against the largest channel and joins the report's costs", () => {
    const report = {
      channels: [{ channel: "INSTAGRAM", costs: { distributionCost: 50000, costPerParticipant: 5000 } }],
      figures,
    } as unknown as ChannelsReport;
    const rows = channelRows(dash, report);
    expect(rows.map((r) => [r.channel, r.participantsPct, r.viewsPct, r.distributionCost])).toEqual([
      ["INSTAGRAM", 100, 100, 50000],
      ["STORE_QR", 20, 25, null],
      ["KAKAO", 0, 0, null],
    ]);
    expect(channelRows({ ...dash, channelPerformance: [perf("DIRECT", 0, 0)] }, null)[0]!.participantsPct).toBe(0);
  });

  it("fills quiet hours with zeros, sorts and sums the points", () => {
    const pt = (timestamp: string, participants: number, views: number) => ({ timestamp, participants, views, engagement: 0, conversions: 0, cumulativeParticipants: 0 });
    const t: Timeline = {
      granularity: "hourly", timeZone: "Asia/Seoul", startDate: null, endDate: null, peak: null,
      points: [pt("2026-12-01T03:00:00Z", 2, 10), pt("2026-12-01T00:00:00Z", 1, 5), pt("2026-12-01T03:00:00Z", 1, 0)],
    };
    const s = timelineSeries(t);
    const h0 = Date.parse("2026-12-01T00:00:00Z") / 1000;
    expect(s.xs).toEqual([h0, h0 + 3600, h0 + 7200, h0 + 10800]);
    expect(s.participants).toEqual([1, 0, 0, 3]);
    expect(s.views).toEqual([5, 0, 0, 10]);
    expect(s.total).toBe(4);
    expect(timelineSeries({ ...t, points: [] })).toEqual({ xs: [], participants: [], views: [], total: 0 });
    const lone = timelineSeries({ ...t, points: [pt("2026-12-01T03:00:00Z", 2, 10)] });
    expect(lone.xs).toEqual([h0 + 7200, h0 + 10800, h0 + 14400]);
    expect(lone.participants).toEqual([0, 2, 0]);
    const daily = timelineSeries({ ...t, granularity: "daily", points: [pt("2026-12-01T00:00:00Z", 1, 1), pt("2026-12-03T00:00:00Z", 1, 1)] });
    expect(daily.participants).toEqual([1, 0, 1]);
  });

  it("lays out the ROI with what is measured and what is assumed", () => {
    const r: RoiReport = {
      investment: { total: 100000, prizeCost: 50000, contentCreation: 30000, operation: 20000, distribution: 0 },
      revenue: { total: 300000, directSales: 210000, expectedSales: 90000, newCustomerRevenue: 120000, existingCustomerRevenue: 180000 },
      roi: 200, targetRoi: 150, salesGrowthRate: 5, costPerParticipant: 1000, revenuePerParticipant: 3000,
      assumptions: {
        industryCategory: "CAFE", averageSpend: 8000, laterVisitRate: 0.3, repeatVisits: 1.5, expectedVisits: 40, baselineDailyRevenue: 500000,
        eventDays: 5, baselineRevenue: 2500000, prizeShare: 0.5, contentShare: 0.3, operationShare: 0.2, directSalesShare: 0.7,
        newCustomerShare: 0.4, channelCosts: { INSTAGRAM: 0, URIDONGNETV: 30000 }, plannedDistribution: 30000,
      },
      measuredInputs: { participants: 100, storeVisits: 30, views: 1000, budget: 100000, postedChannels: ["INSTAGRAM"], eventDays: 5 },
      figures: { measured: ["measuredInputs.participants", "measuredInputs.views"], estimated: ["investment", "revenue", "roi", "assumptions"] },
      lastUpdated: null,
    };
    const l = roiLines(r);
    expect(l.investment[0]).toEqual({ key: "investment", value: 100000, fmt: "krw", kind: "estimated" });
    expect(l.measured.find((x) => x.key === "views")!.kind).toBe("measured");
    expect(l.measured.find((x) => x.key === "postedChannels")!.value).toBe("INSTAGRAM");
    expect(l.assumptions.find((x) => x.key === "laterVisitRate")).toMatchObject({ value: 0.3, fmt: "ratioPct", kind: "estimated" });
    expect(l.channelCosts.map((x) => [x.key, x.value])).toEqual([["INSTAGRAM", 0], ["URIDONGNETV", 30000]]);
  });

  it("takes the newest last-updated time", () => {
    expect(lastUpdated(null, "2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z", undefined)).toBe("2026-12-01T04:00:00Z");
    expect(lastUpdated(null, undefined)).toBeNull();
  });
});
