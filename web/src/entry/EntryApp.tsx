import { useEffect, useState } from "preact/hooks";
import type { EventPublic, Receipt } from "../api/types";
import { common, entry as t } from "../i18n/ko";
import { phaseOf } from "../lib/dates";
import { useNow } from "../lib/hooks";
import { PageState } from "../ui/PageState";
import { getEvent } from "../api/events";
import { useLoad } from "../ui/useLoad";
import { AlreadyEntered, Closed, Confirmation } from "./Confirmation";
import { EntryForm } from "./EntryForm";
import { Commitment, Facts, PhaseBanner, Poster } from "./EventInfo";
import type { Source } from "./logic";

type After = { kind: "form" } | { kind: "done"; receipt: Receipt } | { kind: "already" } | { kind: "closed"; message: string };

function EventPage({ ev, source, linkCode }: { ev: EventPublic; source: Source; linkCode: string }) {
  const now = useNow();
  const [after, setAfter] = useState<After>({ kind: "form" });
  const { phase, opensAt, closesAt } = phaseOf(ev, now);
  useEffect(() => {
    document.title = `${ev.eventName} - ${t.titleSuffix}`;
  }, [ev.eventName]);

  let action = null;
  if (after.kind === "done") action = <Confirmation ev={ev} receipt={after.receipt} />;
  else if (after.kind === "already") action = <AlreadyEntered ev={ev} />;
  else if (after.kind === "closed") action = <Closed message={after.message} />;
  else if (phase === "open")
    action = (
      <EntryForm
        ev={ev}
        source={source}
        linkCode={linkCode}
        onDone={(receipt) => setAfter({ kind: "done", receipt })}
        onAlready={() => setAfter({ kind: "already" })}
        onClosed={(message) => setAfter({ kind: "closed", message })}
      />
    );

  return (
    <>
      <main id="main">
        <Poster ev={ev} />
        <p class="eyebrow">{ev.storeName}</p>
        <h1>{ev.eventName}</h1>
        {ev.description && <p class="pre-line">{ev.description}</p>}
        <PhaseBanner ev={ev} phase={phase} now={now} opensAt={opensAt} closesAt={closesAt} />
        <Facts ev={ev} />
        {action}
        <Commitment ev={ev} />
      </main>
      <footer class="page-footer">
        <p>{common.controller(ev.storeName)}</p>
      </footer>
    </>
  );
}

export function EntryApp({ eventId, source, linkCode = "", first }: { eventId: string; source: Source; linkCode?: string; first: Promise<EventPublic> }) {
  const [ev, retry] = useLoad(() => getEvent(eventId), first);
  if (ev.state === "loading") return <PageState />;
  if (ev.state === "failed") return <PageState error={ev.error} onRetry={retry} />;
  return <EventPage ev={ev.value} source={source} linkCode={linkCode} />;
}
