import { useEffect, useState } from "preact/hooks";
import type { EventPublic, EventResults } from "../api/types";
import { mismatch, result as t } from "../i18n/ko";
import { publishedMismatch } from "../verify/status";
import { verifyProof, type ProofBundle } from "../verify/verify";
import { describeFailure } from "./failure";
import type { ProofState } from "./useProof";

/** Bundles up to this many entries are fetched and checked on their own; bigger ones wait for a tap. */
export const AUTO_VERIFY_MAX = 20_000;

type Run =
  | { state: "waiting" }
  | { state: "running"; done: number; total: number }
  | { state: "ok"; entries: number; ms: number }
  | { state: "failed"; message: string };

function Download({ eventId, text }: { eventId: string; text: string }) {
  const [href, setHref] = useState("");
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [text]);
  if (!href) return null;
  return (
    <p>
      <a href={href} download={`draw-proof-${eventId}.json`}>
        {t.download}
      </a>
    </p>
  );
}

/** The draw checked in this browser from the public proof bundle. */
export function VerifyPanel({ ev, results, proof, loadProof }: { ev: EventPublic; results: EventResults; proof: ProofState; loadProof: () => Promise<ProofState> }) {
  const [run, setRun] = useState<Run>({ state: "waiting" });
  const auto = results.totalParticipants <= AUTO_VERIFY_MAX;

  useEffect(() => {
    if (auto) void loadProof();
  }, [auto, loadProof]);

  useEffect(() => {
    if (proof.status !== "ready") return;
    let live = true;
    const started = performance.now();
    const bundle = proof.bundle as ProofBundle;
    verifyProof(bundle, {
      ...(ev.drawCommitment ? { publishedCommitment: ev.drawCommitment } : {}),
      onProgress: (done, total) => live && setRun({ state: "running", done, total }),
    }).then((r) => {
      if (!live) return;
      if (!r.ok) return setRun({ state: "failed", message: describeFailure(r.failure) });
      const original = new Map(bundle.winners.map((w) => [w.rank, w.participantId]));
      const rank = publishedMismatch(results.winners, r.holders, original);
      if (rank !== null) return setRun({ state: "failed", message: mismatch.publishedWinner(rank) });
      setRun({ state: "ok", entries: bundle.entries.length, ms: performance.now() - started });
    }, () => live && setRun({ state: "failed", message: t.verifyCrashed }));
    return () => {
      live = false;
    };
  }, [proof, ev.drawCommitment, results.winners]);

  return (
    <section class="card" aria-labelledby="verify-title">
      <h2 id="verify-title">{t.verifyHeading}</h2>
      <p>{t.verifyIntro}</p>
      <ol class="checks small">
        {t.checks.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      {proof.status === "idle" && (
        <>
          <p class="small">{t.verifyLarge(results.totalParticipants)}</p>
          <button type="button" onClick={() => void loadProof()}>
            {t.verifyStart}
          </button>
        </>
      )}
      {proof.status === "loading" && <p role="status">{t.verifyLoading}</p>}
      {proof.status === "failed" && (
        <div role="alert" class="card bad">
          <p>{t.verifyUnavailable}</p>
          <button type="button" onClick={() => void loadProof()}>
            {t.verifyStart}
          </button>
        </div>
      )}
      {run.state === "running" && (
        <p>
          <label for="verify-progress">{t.verifyProgress}</label>
          <progress id="verify-progress" max={run.total} value={run.done} />
          <span class="small muted">{t.verifyProgressText(run.done, run.total)}</span>
        </p>
      )}
      <div role="status">
        {run.state === "ok" && (
          <div class="card ok">
            <h3>{t.verified}</h3>
            <p>{t.verifiedBody(run.entries, run.ms)}</p>
          </div>
        )}
        {run.state === "failed" && (
          <div class="card bad">
            <h3>{t.failed}</h3>
            <p>{t.failedBody}</p>
            <p>{run.message}</p>
          </div>
        )}
      </div>
      {proof.status === "ready" && <Download eventId={ev.eventId} text={proof.text} />}
    </section>
  );
}
