import type { Step } from "./state";
import type { Draft } from "./types";

/** What the funnel gives every step after the first. */
export interface StepProps {
  draft: Draft;
  setDraft: (d: Draft) => void;
  /** Go to a step (a new history entry, so back returns here). */
  go: (s: Step) => void;
  /** The job in the URL, while one runs for this step. */
  job: string | null;
  /** Put a job's id into the URL (replacing the entry): a reload keeps polling it. */
  startJob: (jobId: string) => void;
  /** Take the job out of the URL; then go to `next` if given. */
  endJob: (next?: Step) => void;
}
