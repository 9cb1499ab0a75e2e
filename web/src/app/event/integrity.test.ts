import { describe, expect, it } from "vitest";
import { integrity as t } from "../../i18n/console";
import { anomalyLines, anomalySummary, hasAnomalies, minuteLabel, searchProblem, type Anomalies } from "./integrity";

describe("searchProblem", () => {
  it("accepts what the API accepts", () => {
    for (const q of ["", "  ", "010-1234-5678", "01012345678", "+82 10 1234 5678", "(010) 1234.5678", "011-123-4567", "5678", "20261126-000042",
      "20261126-P000043", "김민", "이영희", "Ki", "O'Brien"]) {
      expect(searchProblem(q), q).toBeNull();
    }
  });
  it("refuses middle digits and partial numbers", () => {
    for (const q of ["1234-5678", "12345678", "010-1234", "123", "12345", "0", "010-1234-567", "+8210"]) {
      expect(searchProblem(q), q).toBe("partialNumber");
    }
  });
  it("refuses a one-character name", () => {
    for (const q of ["김", "a", "%"]) expect(searchProblem(q), q).toBe("short");
  });
});

const flags = (over: Partial<Anomalies> = {}): Anomalies => ({
  networkThreshold: 5,
  burstThreshold: 20,
  flaggedNetworks: 0,
  flaggedMinutes: 0,
  networks: [],
  bursts: [],
  ...over,
});

describe("anomaly lines", () => {
  it("says nothing when nothing is flagged", () => {
    expect(hasAnomalies(flags())).toBe(false);
    expect(hasAnomalies(null)).toBe(false);
    expect(anomalyLines(flags())).toEqual([]);
  });
  it("words networks and minutes in Korean, in Seoul time", () => {
    const a = flags({
      flaggedNetworks: 3,
      flaggedMinutes: 1,
      networks: [
        { network: "203.0.113.0/24", entries: 12, firstAt: "2026-11-26T01:00:00Z", lastAt: "2026-11-26T01:30:00Z" },
        { network: "2001:db8:1:2::/64", entries: 6, firstAt: "2026-11-26T01:00:00Z", lastAt: "2026-11-26T01:30:00Z" },
      ],
      bursts: [{ minute: "2026-11-26T01:05:00Z", entries: 40 }],
    });
    expect(hasAnomalies(a)).toBe(true);
    const lines = anomalyLines(a);
    expect(lines[0]).toContain("같은 네트워크에서 12명");
    expect(lines[0]).toContain("203.0.113.0/24");
    expect(lines[2]).toContain("10:05에 1분 동안 40명");
    expect(lines[2]).toContain("11월 26일");
    expect(lines[3]).toBe(t.more(1));
    expect(anomalySummary(a)).toBe(t.summary(3, 1));
  });
  it("formats minutes past midnight in Seoul", () => {
    expect(minuteLabel("2026-11-25T15:00:00Z")).toBe("11월 26일 00:00");
    expect(minuteLabel("nope")).toBe("-");
  });
});
