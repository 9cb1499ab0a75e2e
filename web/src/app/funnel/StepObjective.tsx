// Step 1: the objective. One click creates the draft (EventCreate); a second
// click while it is out does nothing, and once the draft exists its id is in
// the URL, so coming back here never creates another event.

import { useState } from "preact/hooks";
import { funnel as t } from "../../i18n/console";
import { Button } from "../ui";
import { createDraft } from "./api";
import { FunnelError, useSingleFlight } from "./common";
import type { Draft, Objective } from "./types";

export const OBJECTIVES: readonly Objective[] = ["NEW_CUSTOMERS", "REVISIT", "SALES_INCREASE", "AWARENESS"];

export function StepObjective({ draft, onCreated, onNext }: { draft: Draft | null; onCreated: (d: Draft) => void; onNext: () => void }) {
  const [pending, run] = useSingleFlight();
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<Objective | null>(null);

  const create = (o: Objective) =>
    run(async () => {
      setPicked(o);
      setError(null);
      try {
        onCreated(await createDraft(o));
      } catch (e) {
        setError(e);
      }
    });

  if (draft) {
    const o = t.objectives[draft.objective];
    return (
      <div>
        <p class="funnel-chosen">{t.objectiveChosen(o?.name ?? draft.objective)}</p>
        <p class="hint">{t.objectiveFixed}</p>
        <div class="funnel-actions">
          <Button onClick={onNext}>{t.next}</Button>
        </div>
      </div>
    );
  }
  return (
    <div>
      <p>{t.objectiveLead}</p>
      <ul class="funnel-choices" role="list">
        {OBJECTIVES.map((o) => {
          const info = t.objectives[o]!;
          return (
            <li key={o}>
              <Button
                variant="secondary"
                block
                class="funnel-choice"
                busy={pending}
                aria-describedby={`obj-${o}-line`}
                aria-pressed={pending && picked === o ? "true" : undefined}
                onClick={() => void create(o)}
              >
                <span class="funnel-choice-name">{pending && picked === o ? t.creating : info.name}</span>
                <span class="funnel-choice-line" id={`obj-${o}-line`}>
                  {info.line}
                </span>
              </Button>
            </li>
          );
        })}
      </ul>
      <FunnelError error={error} />
    </div>
  );
}
