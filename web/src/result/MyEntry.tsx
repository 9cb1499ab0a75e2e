import { useState } from "preact/hooks";
import type { EventPublic, EventResults } from "../api/types";
import { result as t } from "../i18n/ko";
import { entryStatus, normalizeEntryNumber, type EntryStatus } from "../verify/status";
import type { ProofBundle } from "../verify/verify";
import type { ProofState } from "./useProof";

type Answer = { kind: "checking" } | { kind: "error"; message: string } | { kind: "notDrawn" } | EntryStatus;

/** 내 응모 확인: an entry number answers 당첨, 미당첨 or 응모 내역 없음. */
export function MyEntry({ ev, results, loadProof }: { ev: EventPublic; results: EventResults; loadProof: () => Promise<ProofState> }) {
  const [value, setValue] = useState("");
  const [invalid, setInvalid] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);

  async function onSubmit(e: Event) {
    e.preventDefault();
    const id = normalizeEntryNumber(value);
    setInvalid(!id);
    if (!id) return setAnswer(null);
    if (!results.drawn) return setAnswer({ kind: "notDrawn" });
    setAnswer({ kind: "checking" });
    const proof = await loadProof();
    if (proof.status !== "ready") return setAnswer({ kind: "error", message: t.mineFailed });
    try {
      setAnswer(entryStatus(proof.bundle as ProofBundle, id));
    } catch {
      setAnswer({ kind: "error", message: t.mineFailed });
    }
  }

  let out = null;
  if (answer)
    switch (answer.kind) {
      case "checking":
        out = <p>{t.mineChecking}</p>;
        break;
      case "error":
        out = <p>{answer.message}</p>;
        break;
      case "notDrawn":
        out = <p>{t.mineNotDrawn(ev.announcementDate)}</p>;
        break;
      case "won":
        out = (
          <div class="card ok">
            <p>
              <span class="badge ok">{t.won}</span> {t.wonBody(answer.rank, answer.substitute)}
            </p>
          </div>
        );
        break;
      case "lost":
        out = (
          <div class="card soft">
            <p>
              <span class="badge neutral">{t.lost}</span> {t.lostBody}
            </p>
          </div>
        );
        break;
      case "none":
        out = (
          <div class="card soft">
            <p>
              <span class="badge neutral">{t.none}</span> {t.noneBody}
            </p>
          </div>
        );
    }

  return (
    <section class="card" aria-labelledby="mine-title">
      <h2 id="mine-title">{t.mineHeading}</h2>
      <form onSubmit={onSubmit} noValidate>
        <label for="entry-number">{t.mineLabel}</label>
        <div class="row">
          <input id="entry-number" type="text" inputMode="text" autoComplete="off" spellcheck={false} value={value}
            onInput={(e) => setValue(e.currentTarget.value)} aria-invalid={invalid ? "true" : undefined}
            aria-describedby={invalid ? "entry-number-hint entry-number-error" : "entry-number-hint"} />
          <button type="submit">{t.mineSubmit}</button>
        </div>
        <p id="entry-number-hint" class="hint">{t.mineHint}</p>
        {invalid && <p id="entry-number-error" class="error">{t.mineRequired}</p>}
      </form>
      <div role="status" aria-live="polite">{out}</div>
    </section>
  );
}
