// Live distribution status: poll while the fan-out is IN_PROGRESS, stop once
// it settled (COMPLETED, PARTIAL_SUCCESS, FAILED), pause while the page is
// hidden and look again as soon as it is visible.

import { ApiError, NETWORK } from "../../api/client";
import type { DistributionStatus } from "../types";

export const POLL_MS = 4000;

/** Whether a status still changes by itself (the only state worth polling). */
export const inProgress = (d: DistributionStatus | null | undefined): boolean => d?.overallStatus === "IN_PROGRESS";

/** Errors worth trying again on the next tick: no answer, or the server's own trouble. */
export const transient = (e: unknown): boolean =>
  !(e instanceof ApiError) || e.code === NETWORK || e.status === 0 || e.status >= 500 || e.status === 429;

export interface Watcher {
  /** Look now (after a retry, say) and poll again while IN_PROGRESS. */
  refresh(): void;
  stop(): void;
}

export interface WatchOptions {
  intervalMs?: number;
  doc?: Pick<Document, "visibilityState" | "addEventListener" | "removeEventListener">;
}

/**
 * watchDistribution loads the status now and then every intervalMs while it is
 * IN_PROGRESS and the document visible. A settled status ends the polling (a
 * retry calls refresh to start again); a hidden page pauses it; an error that
 * is not transient (DIST_004, EVENT_003, …) ends it too.
 */
export function watchDistribution(
  load: (signal: AbortSignal) => Promise<DistributionStatus>,
  onData: (d: DistributionStatus) => void,
  onError: (e: unknown) => void,
  opts: WatchOptions = {},
): Watcher {
  const interval = opts.intervalMs ?? POLL_MS;
  const doc = opts.doc ?? document;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctrl: AbortController | undefined;
  let stopped = false;
  /** Whether another look is due (false once settled or after a final error). */
  let wanted = true;

  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const schedule = () => {
    clear();
    if (!stopped && wanted && doc.visibilityState !== "hidden") timer = setTimeout(tick, interval);
  };
  function tick() {
    timer = undefined;
    if (stopped) return;
    ctrl?.abort();
    const mine = (ctrl = new AbortController());
    load(mine.signal).then(
      (d) => {
        if (stopped || mine.signal.aborted) return;
        wanted = inProgress(d);
        onData(d);
        schedule();
      },
      (e: unknown) => {
        if (stopped || mine.signal.aborted) return;
        wanted = transient(e);
        onError(e);
        schedule();
      },
    );
  }
  const onVisibility = () => {
    if (doc.visibilityState === "hidden") {
      clear();
      ctrl?.abort();
    } else if (wanted && !stopped) {
      clear();
      tick();
    }
  };
  doc.addEventListener("visibilitychange", onVisibility);
  tick();
  return {
    refresh() {
      if (stopped) return;
      wanted = true;
      clear();
      tick();
    },
    stop() {
      stopped = true;
      clear();
      ctrl?.abort();
      doc.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
