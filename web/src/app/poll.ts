// Polling an AI job: 1 s, then 1.5× longer each time, at most 5 s apart.

import { ApiError } from "../api/client";
import { api } from "./http";
import type { Job } from "./types";

export const JOB_FAILED = "JOB_FAILED";

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason ?? new DOMException("aborted", "AbortError"));
      },
      { once: true },
    );
  });

/**
 * pollJob resolves with the job once COMPLETED and rejects on FAILED with an
 * ApiError of code JOB_FAILED whose message is the job's errorMessage.
 * onProgress sees every answer. A network failure while polling is retried
 * (with the same back-off); other API errors reject.
 */
export async function pollJob(jobId: string, onProgress?: (job: Job) => void, signal?: AbortSignal, first = 1000): Promise<Job> {
  let wait = first;
  for (;;) {
    let job: Job | undefined;
    try {
      job = await api<Job>("GET", `/api/v1/jobs/${encodeURIComponent(jobId)}`, undefined, signal ? { signal } : {});
    } catch (e) {
      if (signal?.aborted) throw e;
      if (!(e instanceof ApiError) || (e.status !== 0 && e.status < 500)) throw e;
    }
    if (job) {
      onProgress?.(job);
      if (job.status === "COMPLETED") return job;
      if (job.status === "FAILED") throw new ApiError(200, JOB_FAILED, job.errorMessage ?? "");
    }
    await sleep(wait, signal);
    wait = Math.min(5000, wait * 1.5);
  }
}
