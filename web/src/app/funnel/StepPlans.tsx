// Step 2: the AI plans. RecommendationRequest answers 202 with a job; its id
// goes into the URL (a reload keeps polling the same job), the job is polled
// with back-off and its progress shown; a failure says why and offers a retry.

import { useRef, useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { Button, Field } from "../ui";
import { getDraft, requestPlans } from "./api";
import { FunnelError, JobPanel, apiFieldErrors, fieldMessage, useSingleFlight } from "./common";
import { fieldErrorMap } from "./state";
import type { StepProps } from "./props";
import type { PlanRequest } from "./types";

export function StepPlans({ draft, setDraft, job, startJob, endJob, go }: StepProps) {
  const [region, setRegion] = useState("");
  const [budget, setBudget] = useState(draft.budget != null ? String(draft.budget) : "");
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, run] = useSingleFlight();
  const started = useRef(false); // this page started the job (the panel takes the focus)

  const submit = () =>
    run(async () => {
      const body: PlanRequest = {};
      const local: Record<string, string> = {};
      if (region.trim()) {
        if ([...region.trim()].length > 100) local.region = t.regionInvalid;
        body.region = region.trim();
      }
      const b = budget.replace(/[,\s원₩]/g, "");
      if (b) {
        if (!/^\d+$/.test(b) || Number(b) > 10_000_000_000) local.budget = t.budgetInvalid;
        else body.budget = Number(b);
      }
      setErrs(local);
      setError(null);
      if (Object.keys(local).length) return;
      try {
        const acc = await requestPlans(draft.eventId, body);
        started.current = true;
        startJob(acc.jobId);
      } catch (e) {
        setErrs(fieldErrorMap(apiFieldErrors(e), fieldMessage));
        setError(e);
      }
    });

  const onDone = async () => {
    const d = await getDraft(draft.eventId);
    setDraft(d);
    endJob(3);
  };

  const has = draft.recommendations.length > 0;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>{t.plansLead}</p>
      <Field type="text" id="plan-region" label={t.region} hint={t.regionHint} value={region} error={errs.region} maxLength={100} autoComplete="off"
        disabled={!!job} onInput={(e) => setRegion(e.currentTarget.value)} />
      <Field type="text" id="plan-budget" label={t.budget} hint={t.budgetHint} value={budget} error={errs.budget} inputMode="numeric"
        disabled={!!job} onInput={(e) => setBudget(e.currentTarget.value)} />
      {job ? (
        <JobPanel jobId={job} takeFocus={started.current} onDone={onDone} onRetry={() => { endJob(); void submit(); }} />
      ) : (
        <>
          <FunnelError error={error} />
          <div class="funnel-actions">
            <Button type="submit" busy={pending} busyLabel={t.jobQueued} variant={has ? "secondary" : "primary"}>
              {has ? t.remakePlans : t.makePlans}
            </Button>
            {has && <Button onClick={() => go(3)}>{t.next}</Button>}
          </div>
        </>
      )}
    </form>
  );
}
