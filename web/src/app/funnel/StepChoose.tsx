// Step 3: pick one of the three plans and make it yours (RecommendationSelect
// with the overrides: eventName, description, prize, startDate, endDate).

import { useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { krw, pct } from "../format";
import { Button, Field, descId } from "../ui";
import { selectPlan } from "./api";
import { FunnelError, addDays, apiFieldErrors, fieldMessage, useSingleFlight } from "./common";
import { fieldErrorMap, todayIn, unplacedErrors } from "./state";
import type { StepProps } from "./props";
import type { Plan } from "./types";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const len = (s: string) => [...s].length;

export interface PlanForm {
  recommendationId: string | null;
  eventName: string;
  description: string;
  prize: string;
  startDate: string;
  endDate: string;
}

/** The form's checks (the API's rules, plus an end date not in the past since publishing needs it). */
export function checkPlanForm(f: PlanForm, today: string): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.recommendationId) e.recommendationId = t.choosePlanFirst;
  const n = len(f.eventName.trim());
  if (n === 0) e.eventName = t.nameRequired;
  else if (n > 200) e.eventName = t.nameTooLong;
  if (len(f.description) > 5000) e.description = t.descTooLong;
  if (len(f.prize) > 200) e.prize = t.prizeTooLong;
  if (!DATE.test(f.startDate)) e.startDate = t.dateInvalid;
  if (!DATE.test(f.endDate)) e.endDate = t.dateInvalid;
  else if (DATE.test(f.startDate) && f.endDate < f.startDate) e.endDate = t.dateOrder;
  else if (f.endDate < today) e.endDate = t.endPast;
  return e;
}

const FIELDS = ["recommendationId", "eventName", "description", "prize", "startDate", "endDate"];

export function StepChoose({ draft, setDraft, go }: StepProps) {
  const today = todayIn(draft.timeZone || "Asia/Seoul");
  const [f, setF] = useState<PlanForm>(() => ({
    recommendationId: draft.selectedRecommendationId ?? null,
    eventName: draft.selectedRecommendationId ? (draft.eventName ?? "") : "",
    description: draft.selectedRecommendationId ? (draft.description ?? "") : "",
    prize: draft.selectedRecommendationId ? (draft.prize ?? "") : "",
    startDate: draft.startDate ?? today,
    endDate: draft.endDate ?? addDays(draft.startDate ?? today, 13),
  }));
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [pending, run] = useSingleFlight();

  const pick = (p: Plan) =>
    setF((cur) => ({ ...cur, recommendationId: p.recommendationId, eventName: p.eventName, description: p.description, prize: p.prize }));
  const set = (k: keyof PlanForm) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
    const v = e.currentTarget.value;
    setF((cur) => ({ ...cur, [k]: v }));
  };

  const submit = () =>
    run(async () => {
      const local = checkPlanForm(f, today);
      setErrs(local);
      setError(null);
      if (Object.keys(local).length) {
        focusFirst(local);
        return;
      }
      try {
        const d = await selectPlan(draft.eventId, {
          recommendationId: f.recommendationId!,
          eventName: f.eventName.trim(),
          description: f.description,
          prize: f.prize,
          startDate: f.startDate,
          endDate: f.endDate,
        });
        setDraft(d);
        go(4);
      } catch (e) {
        const fe = fieldErrorMap(apiFieldErrors(e), fieldMessage);
        setErrs(fe);
        setError(e);
        focusFirst(fe);
      }
    });

  const extra = unplacedErrors(errs, FIELDS);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>{t.chooseLead}</p>
      <fieldset class="funnel-plans" aria-describedby={errs.recommendationId ? descId("plan-pick") : undefined}>
        <legend>{t.plansLabel}</legend>
        {draft.recommendations.map((p) => (
          <div key={p.recommendationId} class={`funnel-plan card${f.recommendationId === p.recommendationId ? " is-picked" : ""}`}>
            <div class="funnel-plan-head">
              <input
                type="radio"
                name="plan"
                id={`plan-${p.recommendationId}`}
                value={p.recommendationId}
                checked={f.recommendationId === p.recommendationId}
                aria-describedby={`plan-${p.recommendationId}-facts`}
                onChange={() => pick(p)}
              />
              <label for={`plan-${p.recommendationId}`}>
                <span class="funnel-plan-level">{t.budgetLevel[p.budgetLevel] ?? t.budgetLevel[""]}</span>{" "}
                <strong class="funnel-plan-name">{p.eventName}</strong>
              </label>
            </div>
            <div id={`plan-${p.recommendationId}-facts`}>
              <p class="funnel-plan-desc">{p.description}</p>
              <dl class="funnel-facts">
                <div><dt>{t.prize}</dt><dd>{p.prize || "-"}</dd></div>
                <div><dt>{t.estimatedCost}</dt><dd>{krw(p.estimatedCost)}</dd></div>
                <div><dt>{t.expectedRoi}</dt><dd>{pct(p.expectedRoi)}</dd></div>
                {p.participationMethod && <div><dt>{t.participationMethod}</dt><dd>{p.participationMethod}</dd></div>}
                {p.targetAudience && <div><dt>{t.targetAudience}</dt><dd>{p.targetAudience}</dd></div>}
              </dl>
            </div>
          </div>
        ))}
        {errs.recommendationId && (
          <p class="error" id={descId("plan-pick")}>
            {errs.recommendationId}
          </p>
        )}
      </fieldset>

      <h3>{t.customise}</h3>
      <Field type="text" id="plan-name" label={t.eventName} required value={f.eventName} error={errs.eventName} maxLength={200} onInput={set("eventName")} />
      <Field id="plan-desc" label={t.description} error={errs.description}>
        <textarea
          id="plan-desc"
          rows={4}
          value={f.description}
          aria-invalid={errs.description ? "true" : undefined}
          aria-describedby={errs.description ? descId("plan-desc") : undefined}
          onInput={set("description")}
        />
      </Field>
      <Field type="text" id="plan-prize" label={t.prize} value={f.prize} error={errs.prize} maxLength={200} onInput={set("prize")} />
      <div class="funnel-row">
        <Field id="plan-start" label={t.startDate} type="date" required value={f.startDate} error={errs.startDate} onInput={set("startDate")} />
        <Field id="plan-end" label={t.endDate} type="date" required value={f.endDate} min={f.startDate || today} error={errs.endDate}
          onInput={set("endDate")} />
      </div>
      {extra.length > 0 && (
        <ul class="error" role="alert">
          {extra.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
      {!Object.keys(errs).length && <FunnelError error={error} />}
      {Object.keys(errs).length > 0 && error != null && extra.length === 0 && (
        <p class="error" role="alert">{t.formErrors(Object.keys(errs).length)}</p>
      )}
      <div class="funnel-actions">
        <Button variant="secondary" onClick={() => go(2)}>{t.back}</Button>
        <Button type="submit" busy={pending} busyLabel={t.saving}>{t.savePlan}</Button>
      </div>
    </form>
  );
}

/** Move focus to the first field with an error (keyboard and screen-reader users land on it). */
export function focusFirst(errs: Record<string, string>) {
  const ids: Record<string, string> = {
    recommendationId: "plan-",
    eventName: "plan-name",
    description: "plan-desc",
    prize: "plan-prize",
    startDate: "plan-start",
    endDate: "plan-end",
  };
  for (const k of FIELDS) {
    if (!errs[k]) continue;
    const id = ids[k]!;
    const el = id.endsWith("-") ? document.querySelector<HTMLElement>(`input[name="plan"]`) : document.getElementById(id);
    el?.focus();
    return;
  }
}
