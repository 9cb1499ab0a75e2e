import { useEffect } from "preact/hooks";
import { getEvent, getResults } from "../api/events";
import type { EventPublic, EventResults } from "../api/types";
import { common, result as t } from "../i18n/ko";
import { entryPath } from "../lib/path";
import { PageState } from "../ui/PageState";
import { useLoad } from "../ui/useLoad";
import { MyEntry } from "./MyEntry";
import { useProof } from "./useProof";
import { VerifyPanel } from "./VerifyPanel";
import { Winners } from "./Winners";

function CommitmentExplained({ ev }: { ev: EventPublic }) {
  return (
    <section class="card soft" id="commitment" aria-labelledby="commitment-title" tabIndex={-1}>
      <h2 id="commitment-title">{t.commitmentHeading}</h2>
      {t.commitmentBody.map((p) => (
        <p key={p} class="small">
          {p}
        </p>
      ))}
      <p class="small">
        {t.commitmentShown}: <span class="mono">{ev.drawCommitment}</span>
      </p>
    </section>
  );
}

function ResultPage({ ev, results }: { ev: EventPublic; results: EventResults }) {
  const [proof, loadProof] = useProof(ev.eventId);
  useEffect(() => {
    document.title = `${ev.eventName} - ${t.titleSuffix}`;
    // the anchor from the entry page's commitment link, once the section exists
    if (location.hash === "#commitment") document.getElementById("commitment")?.focus();
  }, [ev.eventName]);
  return (
    <>
      <main id="main">
        <p class="eyebrow">
          <a href={entryPath(ev.eventId)}>{ev.eventName}</a>
        </p>
        <h1>{t.heading}</h1>
        {results.drawn && results.drawnAt ? (
          <>
            <p>{t.summary(common.dateTime(results.drawnAt, ev.timeZone), results.totalParticipants, results.winnerCount)}</p>
            {results.algorithm && <p class="small muted">{t.algorithm(results.algorithm)}</p>}
            <Winners results={results} />
          </>
        ) : (
          <section class="card banner" aria-labelledby="not-drawn-title">
            <h2 id="not-drawn-title">{t.notDrawnTitle}</h2>
            <p>{t.notDrawnBody(ev.announcementDate)}</p>
            <p class="small">
              {common.commitmentLabel}: <span class="mono">{ev.drawCommitment.slice(0, 12)}</span>
            </p>
          </section>
        )}
        <MyEntry ev={ev} results={results} loadProof={loadProof} />
        {results.drawn && <VerifyPanel ev={ev} results={results} proof={proof} loadProof={loadProof} />}
        <CommitmentExplained ev={ev} />
      </main>
      <footer class="page-footer">
        <p>{common.controller(ev.storeName)}</p>
      </footer>
    </>
  );
}

export const loadBoth = (eventId: string) => Promise.all([getEvent(eventId), getResults(eventId)]);

export function ResultApp({ eventId, first }: { eventId: string; first: ReturnType<typeof loadBoth> }) {
  const [data, retry] = useLoad(() => loadBoth(eventId), first);
  if (data.state === "loading") return <PageState />;
  if (data.state === "failed") return <PageState error={data.error} onRetry={retry} />;
  const [ev, results] = data.value;
  return <ResultPage ev={ev} results={results} />;
}
