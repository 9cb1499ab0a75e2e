// Step 7: review with the readiness list, then publish (EventPublish; a
// double click publishes once). EVENT_005 lists what is missing: the list is
// taken from the answer and from the draft fetched again.

import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { funnel as t } from "../../i18n/console";
import { seoulDate } from "../format";
import { navigate } from "../router";
import { Button } from "../ui";
import { getDraft, publishDraft, updateDraft } from "./api";
import { FunnelError, useSingleFlight } from "./common";
import { READINESS_ITEMS, type Step, missingFromDetail, missingItems, todayIn } from "./state";
import type { StepProps } from "./props";

/** The step that fixes a readiness item. */
export const FIX_STEP: Record<string, Step> = {
  eventName: 3,
  startDate: 3,
  endDate: 3,
  "endDate (in the past)": 3,
  selectedRecommendation: 3,
  selectedImage: 4,
  channels: 6,
};

export function StepReview({ draft, setDraft, go }: StepProps) {
  const [pending, run] = useSingleFlight();
  const [error, setError] = useState<unknown>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const today = todayIn(draft.timeZone || "Asia/Seoul");
  const local = missingItems(draft, today);
  const missing = READINESS_ITEMS.filter((i) => local.includes(i) || refused.includes(i));
  const shown = READINESS_ITEMS.filter((i) => i !== "endDate (in the past)" || missing.includes(i));

  const publish = () =>
    run(async () => {
      setError(null);
      try {
        await publishDraft(draft.eventId);
        navigate(`/app/events/${encodeURIComponent(draft.eventId)}`);
      } catch (e) {
        setError(e);
        if (e instanceof ApiError && e.code === "EVENT_005") {
          setRefused(missingFromDetail(e.message));
          try {
            setDraft(await getDraft(draft.eventId));
          } catch {
            // the list from the answer stands
          }
        }
      }
    });

  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [savingVerify, runVerify] = useSingleFlight();
  const setVerifyPhone = (on: boolean) =>
    runVerify(async () => {
      setVerifyError(null);
      try {
        setDraft(await updateDraft(draft.eventId, { verifyPhone: on }));
      } catch (e) {
        setVerifyError(e);
      }
    });

  const poster = draft.images.find((p) => p.imageId === draft.selectedImageId);
  return (
    <div>
      <p>{t.reviewLead}</p>
      <dl class="funnel-summary">
        <div><dt>{t.eventName}</dt><dd>{draft.eventName || "-"}</dd></div>
        <div><dt>{t.period}</dt><dd>{seoulDate(draft.startDate)} ~ {seoulDate(draft.endDate)}</dd></div>
        <div><dt>{t.prize}</dt><dd>{draft.prize || "-"}</dd></div>
        <div><dt>{t.channels}</dt><dd>{draft.channels.map((c) => t.channelNames[c] ?? c).join(", ") || "-"}</dd></div>
      </dl>
      {(poster || draft.selectedImageUrl) && (
        <figure class="funnel-poster">
          <img
            src={poster?.imageUrl ?? draft.selectedImageUrl ?? ""}
            {...(poster ? { width: poster.width, height: poster.height } : {})}
            alt={`${t.selectedPoster}: ${draft.eventName ?? ""}`}
          />
        </figure>
      )}

      <div class="field">
        <label class="funnel-check">
          <input id="verify-phone" type="checkbox" checked={draft.verifyPhone} disabled={savingVerify}
            onChange={(e) => void setVerifyPhone(e.currentTarget.checked)} aria-describedby="verify-phone-hint" />
          {t.verifyPhone}
        </label>
        <p id="verify-phone-hint" class="hint">{t.verifyPhoneHint}</p>
        <FunnelError error={verifyError} />
      </div>

      <section aria-labelledby="readiness-h" class="funnel-readiness">
        <h3 id="readiness-h">{t.readiness}</h3>
        <p role="status">{missing.length ? t.notReady : t.ready}</p>
        <ul>
          {shown.map((item) => {
            const bad = missing.includes(item);
            return (
              <li key={item} class={bad ? "is-missing" : "is-ok"}>
                <span aria-hidden="true">{bad ? "✕ " : "✓ "}</span>
                {t.readinessItems[item] ?? item}
                <span class="visually-hidden"> ({bad ? t.itemMissing : t.itemOk})</span>
                {bad && (
                  <>
                    {" "}
                    <Button variant="ghost" onClick={() => go(FIX_STEP[item] ?? 3)}>{t.readinessFix}</Button>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <FunnelError error={error} />
      <div class="funnel-actions">
        <Button variant="secondary" onClick={() => go(6)}>{t.back}</Button>
        <Button busy={pending} busyLabel={t.publishing} onClick={() => void publish()}>
          {t.publish}
        </Button>
      </div>
    </div>
  );
}
