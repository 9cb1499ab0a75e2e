// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { JOB_FAILED, pollJob } from "./poll";
import { _reset, signIn } from "./session";
import { krw, seoulDate, seoulDateTime, seoulToday } from "./format";

const fetchMock = vi.fn<typeof fetch>();
const job = (status: string, progress: number, extra: object = {}) =>
  new Response(JSON.stringify({ jobId: "j1", eventId: "e1", jobType: "AI_RECOMMENDATION", status, progress, createdAt: "", updatedAt: "", ...extra }), {
    status: 200,
    headers: { "Content-Type": "application/json" },
  });

beforeEach(() => {
  sessionStorage.clear();
  _reset();
  signIn({ userId: "u", storeId: "s", name: "n", accessToken: "A", refreshToken: "R", expiresIn: 3600 });
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("pollJob", () => {
  it("backs off 1 s, 1.5x, at most 5 s, reports progress and resolves on COMPLETED", async () => {
    const statuses = ["PENDING", "PROCESSING", "PROCESSING", "PROCESSING", "PROCESSING", "PROCESSING", "COMPLETED"];
    const times: number[] = [];
    const start = Date.now();
    fetchMock.mockImplementation(async () => {
      times.push(Date.now() - start);
      const i = times.length - 1;
      return job(statuses[i]!, i * 15);
    });
    const seen: number[] = [];
    const p = pollJob("j1", (j) => seen.push(j.progress));
    await vi.runAllTimersAsync();
    const done = await p;
    expect(done.status).toBe("COMPLETED");
    expect(seen).toEqual([0, 15, 30, 45, 60, 75, 90]);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([1000, 1500, 2250, 3375, 5000, 5000]);
    expect(String(fetchMock.mock.calls[0]![0])).toBe("/api/v1/jobs/j1");
  });

  it("rejects with the job's errorMessage on FAILED", async () => {
    fetchMock.mockResolvedValueOnce(job("FAILED", 40, { errorMessage: "model down" }));
    await expect(pollJob("j1")).rejects.toMatchObject({ code: JOB_FAILED, message: "model down" });
  });

  it("keeps polling through a network failure and stops when aborted", async () => {
    fetchMock.mockRejectedValueOnce(new TypeError("offline")).mockResolvedValue(job("PROCESSING", 10));
    const ctl = new AbortController();
    const p = pollJob("j1", undefined, ctl.signal);
    const caught = p.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2600);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    ctl.abort();
    expect(await caught).toBeTruthy();
    await vi.advanceTimersByTimeAsync(10000);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });
});

describe("format", () => {
  it("writes won, dates and times in Asia/Seoul", () => {
    expect(krw(12000)).toBe("₩12,000");
    expect(krw(null)).toBe("-");
    expect(seoulDate("2026-12-05")).toBe("2026년 12월 5일 토");
    expect(seoulDate("2026-12-04T15:30:00Z")).toBe(seoulDate("2026-12-05"));
    expect(seoulDateTime("2026-12-04T15:30:00Z")).toBe("2026. 12. 5. 00:30");
    expect(seoulToday(new Date("2026-12-04T15:30:00Z"))).toBe("2026-12-05");
  });
});
