// Pieces every step uses: the single-flight guard (a double click never
// sends twice), error messages in the funnel's words, field-error lookup
// and the job panel (poll with back-off, progress, failure and retry).

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { funnel as t } from "../../i18n/console";
import { JOB_FAILED, pollJob } from "../poll";
import { Button, ErrorNote, Progress, messageOf } from "../ui";
import type { Job } from "./types";

/**
 * useSingleFlight runs one async action at a time: a second call while the
 * first is out returns undefined without running (double clicks, Enter held
 * down). `pending` is for the button's busy state.
 */
export function useSingleFlight(): [boolean, <T>(fn: () => Promise<T>) => Promise<T | undefined>] {
  const out = useRef(false);
  const [pending, setPending] = useState(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (out.current) return undefined;
    out.current = true;
    setPending(true);
    try {
      return await fn();
    } finally {
      out.current = false;
      setPending(false);
    }
  }, []);
  return [pending, run];
}

/** The Korean message for an error met in the funnel. */
export function funnelMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === JOB_FAILED) return t.jobFailed(e.message && e.message !== JOB_FAILED ? e.message : "");
    const own = t.err[e.code];
    if (own) return own;
  }
  return messageOf(e);
}

/** An error note in the funnel's words. */
export function FunnelError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return <ErrorNote error={error} message={funnelMessage(error)} {...(onRetry ? { onRetry } : {})} />;
}

/** The message beside a field for one of the API's field errors (`settings.` dropped). */
export function fieldMessage(field: string): string {
  const key = field.replace(/^settings\./, "");
  const last = key.split(".").pop() ?? key;
  return t.fieldErrors[key] ?? t.fieldErrors[last] ?? t.fieldErrorFallback;
}

/** VALIDATION_001's field errors of an error, if it is one. */
export function apiFieldErrors(e: unknown) {
  return e instanceof ApiError && e.code === "VALIDATION_001" ? e.fieldErrors : [];
}

/**
 * Focuses `el` when focus was lost: the control that had it went away (a
 * submit button the job panel replaced, the panel when the job ended), so
 * keyboard and screen-reader users keep their place. Never takes focus from
 * a control the owner has moved to meanwhile.
 */
export function focusIfLost(el: HTMLElement | null | undefined) {
  const a = document.activeElement;
  if (el && (!a || a === document.body)) el.focus();
}

/**
 * JobPanel polls a job (1 s, ×1.5, at most 5 s apart; network failures are
 * retried by pollJob) and shows its progress; on COMPLETED it calls onDone,
 * on FAILED it says why and offers onRetry (run the job again). With
 * takeFocus (the owner has just started the job: the button pressed is gone)
 * the panel takes the lost focus when it appears; not after a reload.
 */
export function JobPanel({ jobId, onDone, onRetry, takeFocus }: { jobId: string; onDone: (job: Job) => void | Promise<void>; onRetry: () => void; takeFocus?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (takeFocus) focusIfLost(box.current);
  }, []);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    pollJob(jobId, (j) => !ctl.signal.aborted && setJob(j), ctl.signal).then(
      (j) => {
        if (ctl.signal.aborted) return;
        return Promise.resolve(done.current(j)).catch((e: unknown) => !ctl.signal.aborted && setError(e));
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setError(e);
      },
    );
    return () => ctl.abort();
  }, [jobId, tick]);

  if (error) {
    const failed = error instanceof ApiError && error.code === JOB_FAILED;
    return (
      <div class="funnel-job" tabIndex={-1} ref={box}>
        <ErrorNote error={error} message={funnelMessage(error)} />
        <div class="funnel-actions">
          <Button onClick={onRetry}>{t.jobRetry}</Button>
          {!failed && (
            <Button variant="secondary" onClick={() => setTick((n) => n + 1)}>
              {t.jobCheckAgain}
            </Button>
          )}
        </div>
      </div>
    );
  }
  const p = job?.progress ?? 0;
  return (
    <div class="funnel-job" tabIndex={-1} ref={box}>
      <Progress value={p} label={job && job.status !== "PENDING" ? t.jobRunning : t.jobQueued} />
    </div>
  );
}

/** YYYY-MM-DD plus n days. */
export function addDays(ymd: string, n: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
