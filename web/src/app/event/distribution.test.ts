import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, NETWORK } from "../../api/client";
import type { DistributionStatus } from "../types";
import { watchDistribution } from "./distribution";

const status = (overallStatus: DistributionStatus["overallStatus"]): DistributionStatus => ({
  eventId: "e1", overallStatus, startedAt: "2026-12-01T00:00:00Z", completedAt: null, channels: [],
});

class FakeDoc extends EventTarget {
  visibilityState: DocumentVisibilityState = "visible";
  set(v: DocumentVisibilityState) {
    this.visibilityState = v;
    this.dispatchEvent(new Event("visibilitychange"));
  }
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe("distribution polling", () => {
  let doc: FakeDoc;
  beforeEach(() => {
    vi.useFakeTimers();
    doc = new FakeDoc();
  });
  afterEach(() => vi.useRealTimers());

  it("polls while IN_PROGRESS and stops once settled", async () => {
    const answers = [status("IN_PROGRESS"), status("IN_PROGRESS"), status("PARTIAL_SUCCESS")];
    const load = vi.fn(async () => answers.shift() ?? status("PARTIAL_SUCCESS"));
    const seen: string[] = [];
    const w = watchDistribution(load, (d) => seen.push(d.overallStatus), () => {}, { intervalMs: 4000, doc });
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(4000);
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(seen).toEqual(["IN_PROGRESS", "IN_PROGRESS", "PARTIAL_SUCCESS"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
    w.stop();
  });

  it("does not poll a settled status at all, but refresh (after a retry) starts again", async () => {
    const answers = [status("FAILED"), status("IN_PROGRESS"), status("COMPLETED")];
    const load = vi.fn(async () => answers.shift()!);
    const w = watchDistribution(load, () => {}, () => {}, { intervalMs: 3000, doc });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(load).toHaveBeenCalledTimes(1);
    w.refresh();
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(load).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(load).toHaveBeenCalledTimes(3);
    w.stop();
  });

  it("pauses while the page is hidden and looks again when it is visible", async () => {
    const load = vi.fn(async () => status("IN_PROGRESS"));
    const w = watchDistribution(load, () => {}, () => {}, { intervalMs: 4000, doc });
    await flush();
    doc.set("hidden");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(load).toHaveBeenCalledTimes(1);
    doc.set("visible");
    await flush();
    expect(load).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(load).toHaveBeenCalledTimes(3);
    w.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(load).toHaveBeenCalledTimes(3);
    doc.set("hidden");
    doc.set("visible");
    await flush();
    expect(load).toHaveBeenCalledTimes(3);
  });

  it("keeps trying after a network failure, stops on a final error", async () => {
    const answers: Array<DistributionStatus | ApiError> = [
      new ApiError(0, NETWORK, "offline"),
      status("IN_PROGRESS"),
      new ApiError(404, "DIST_004", "never published"),
    ];
    const load = vi.fn(async () => {
      const a = answers.shift()!;
      if (a instanceof ApiError) throw a;
      return a;
    });
    const errors: string[] = [];
    const w = watchDistribution(load, () => {}, (e) => errors.push((e as ApiError).code), { intervalMs: 4000, doc });
    await flush();
    await vi.advanceTimersByTimeAsync(4000);
    await vi.advanceTimersByTimeAsync(4000);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(load).toHaveBeenCalledTimes(3);
    expect(errors).toEqual([NETWORK, "DIST_004"]);
    w.stop();
  });
});
