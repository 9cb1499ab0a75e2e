// /app/events/new: the six-step funnel. The URL holds the draft's id and,
// while an AI job runs, the job's id (/app/events/new?id=…&step=…&job=…);
// the step shown is derived from the draft's fields (src/app/funnel/state.ts),
// so a reload or back/forward lands on the same step. Each step change moves
// focus to the step's heading.

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { funnel as t } from "../../i18n/console";
import { FunnelError } from "../funnel/common";
import { getDraft } from "../funnel/api";
import { type Step, STEPS, canShow, currentStep, funnelUrl, readQuery } from "../funnel/state";
import type { StepProps } from "../funnel/props";
import type { Draft } from "../funnel/types";
import { StepObjective } from "../funnel/StepObjective";
import { StepPlans } from "../funnel/StepPlans";
import { StepChoose } from "../funnel/StepChoose";
import { StepPosters } from "../funnel/StepPosters";
import { StepEdit } from "../funnel/StepEdit";
import { StepChannels } from "../funnel/StepChannels";
import { StepReview } from "../funnel/StepReview";
import { Link, type RouteProps, navigate } from "../router";
import { Spinner, useTitle } from "../ui";
import "../funnel/funnel.css";

const TITLES = [t.objectiveTitle, t.plansTitle, t.chooseTitle, t.postersTitle, t.editTitle, t.channelsTitle, t.reviewTitle];

export default function NewEvent({ query }: RouteProps) {
  const q = readQuery(query);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useTitle(t.title);

  // The draft of the URL's id (again after a retry); a draft we already hold
  // (just created or updated) is not fetched again.
  const have = draft && draft.eventId === q.id;
  useEffect(() => {
    if (!q.id) {
      setDraft(null);
      setLoadError(null);
      return;
    }
    if (have) return;
    const ctl = new AbortController();
    setLoadError(null);
    getDraft(q.id, ctl.signal).then(
      (d) => !ctl.signal.aborted && setDraft(d),
      (e: unknown) => !ctl.signal.aborted && setLoadError(e),
    );
    return () => ctl.abort();
  }, [q.id, tick]);

  const cur = have ? draft : null;
  const step = currentStep(q, cur);

  // Keep the step in the URL, so back and forward walk the steps.
  useEffect(() => {
    if (cur && q.step !== step) navigate(funnelUrl({ id: cur.eventId, step, job: q.job }), { replace: true });
  }, [cur, q.step, step, q.job]);

  // Focus the step's heading when the step changes (not on the first render).
  const heading = useRef<HTMLHeadingElement>(null);
  const shownStep = useRef<Step | null>(null);
  useEffect(() => {
    if (q.id && !cur) return;
    if (shownStep.current !== null && shownStep.current !== step) heading.current?.focus();
    shownStep.current = step;
  }, [step, cur]);

  const id = cur?.eventId ?? null;
  const go = useCallback((s: Step) => id && navigate(funnelUrl({ id, step: s })), [id]);
  const startJob = useCallback((job: string) => id && navigate(funnelUrl({ id, step, job }), { replace: true }), [id, step]);
  const endJob = useCallback(
    (next?: Step) => {
      if (!id) return;
      navigate(funnelUrl({ id, step }), { replace: true });
      if (next) navigate(funnelUrl({ id, step: next }));
    },
    [id, step],
  );

  let body;
  if (q.id && !cur) {
    if (loadError) {
      const gone = loadError instanceof ApiError && (loadError.code === "EVENT_001" || loadError.code === "EVENT_003");
      body = gone ? (
        <div class="card bad" role="alert">
          <p>{t.draftGone}</p>
          <Link href={funnelUrl({})} class="btn btn-primary">{t.startOver}</Link>
        </div>
      ) : (
        <FunnelError error={loadError} onRetry={() => setTick((n) => n + 1)} />
      );
    } else body = <Spinner label={t.loadingDraft} />;
  } else if (cur && cur.status !== "DRAFT") {
    body = (
      <div class="card" role="status">
        <p>{t.notDraft}</p>
        <Link href={`/app/events/${encodeURIComponent(cur.eventId)}`} class="btn btn-primary">{t.toEvent}</Link>
      </div>
    );
  } else {
    const props: StepProps | null = cur ? { draft: cur, setDraft, go, job: q.job, startJob, endJob } : null;
    body = (
      <>
        <Stepper step={step} draft={cur} />
        <section class="funnel-step" aria-labelledby="funnel-step-h">
          <h2 id="funnel-step-h" ref={heading} tabIndex={-1}>
            <span class="funnel-step-no">{t.stepOf(step, STEPS.length)}</span> {TITLES[step - 1]}
          </h2>
          {step === 1 || !props ? (
            <StepObjective
              draft={cur}
              onCreated={(d) => {
                setDraft(d);
                // Step 1 with the id stays in history (back shows the chosen objective, never a second create).
                navigate(funnelUrl({ id: d.eventId, step: 1 }), { replace: true });
                navigate(funnelUrl({ id: d.eventId, step: 2 }));
              }}
              onNext={() => go(2)}
            />
          ) : step === 2 ? (
            <StepPlans {...props} />
          ) : step === 3 ? (
            <StepChoose {...props} />
          ) : step === 4 ? (
            <StepPosters {...props} />
          ) : step === 5 ? (
            <StepEdit {...props} />
          ) : step === 6 ? (
            <StepChannels {...props} />
          ) : (
            <StepReview {...props} />
          )}
        </section>
      </>
    );
  }

  return (
    <div class="funnel">
      <h1>{t.title}</h1>
      {body}
    </div>
  );
}

/** The steps as an ordered list: done ones are links back, the current one is marked. */
function Stepper({ step, draft }: { step: Step; draft: Draft | null }) {
  return (
    <nav aria-label={t.stepsLabel} class="funnel-stepper">
      <ol>
        {STEPS.map((s) => {
          const name = t.stepNames[s - 1];
          const here = s === step;
          const reachable = !!draft && canShow(s, draft) && !here;
          return (
            <li key={s} class={here ? "is-current" : reachable ? "is-done" : ""} aria-current={here ? "step" : undefined}>
              {reachable ? (
                <Link href={funnelUrl({ id: draft!.eventId, step: s })}>
                  <span class="funnel-dot" aria-hidden="true">{s}</span>
                  <span class="funnel-step-name">{name}</span>
                </Link>
              ) : (
                <span>
                  <span class="funnel-dot" aria-hidden="true">{s}</span>
                  <span class="funnel-step-name">{name}</span>
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

