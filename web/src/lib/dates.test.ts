import { describe, expect, it } from "vitest";
import { form } from "../i18n/ko";
import { addDays, daysBetween, phaseOf, splitDuration, startOfDay, todayIn } from "./dates";

const seoul = { startDate: "2026-12-01", endDate: "2026-12-05", timeZone: "Asia/Seoul", status: "PUBLISHED", drawnAt: null };
const at = (iso: string) => Date.parse(iso);

describe("event dates", () => {
  it("starts a day at midnight in the event's zone", () => {
    expect(startOfDay("2026-12-01", "Asia/Seoul")).toBe(at("2026-11-30T15:00:00Z"));
    expect(startOfDay("2026-07-01", "America/New_York")).toBe(at("2026-07-01T04:00:00Z"));
    expect(startOfDay("2026-12-01", "UTC")).toBe(at("2026-12-01T00:00:00Z"));
  });
  it("knows today in the zone", () => {
    expect(todayIn("Asia/Seoul", at("2026-11-30T15:30:00Z"))).toBe("2026-12-01");
    expect(todayIn("UTC", at("2026-11-30T15:30:00Z"))).toBe("2026-11-30");
  });
  it.each([
    ["2026-11-30T14:59:59Z", "notStarted"],
    ["2026-11-30T15:00:00Z", "open"],
    ["2026-12-05T14:59:59Z", "open"],
    ["2026-12-05T15:00:00Z", "ended"],
  ])("at %s the event is %s", (iso, phase) => expect(phaseOf(seoul, at(iso)).phase).toBe(phase));
  it("is ended once ENDED and drawn once drawn, whatever the clock", () => {
    expect(phaseOf({ ...seoul, status: "ENDED" }, at("2026-12-02T00:00:00Z")).phase).toBe("ended");
    expect(phaseOf({ ...seoul, status: "ENDED", drawnAt: "2026-12-06T00:00:00Z" }, at("2026-12-02T00:00:00Z")).phase).toBe("drawn");
  });
  it("counts days and durations", () => {
    expect(daysBetween("2026-12-01", "2026-12-05")).toBe(4);
    expect(daysBetween("2026-12-31", "2027-01-01")).toBe(1);
    expect(splitDuration(((2 * 24 + 3) * 60 + 4) * 60_000 + 1)).toEqual({ days: 2, hours: 3, minutes: 5 });
  });
  it("keeps data until the end plus the retention days, across months and leap days", () => {
    expect(addDays("2026-12-05", 30)).toBe("2027-01-04");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(form.privacyRetention("2026-12-05", 30, addDays("2026-12-05", 30))).toContain("2027년 1월 4일 (월)까지");
  });
});
