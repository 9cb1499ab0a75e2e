import { useEffect, useRef, useState } from "preact/hooks";
import type { EventPublic, Receipt } from "../api/types";
import { common, done as t, form } from "../i18n/ko";
import { entryPath, resultPath } from "../lib/path";

/**
 * Sharing without popups: the Web Share sheet where there is one, else the
 * link goes to the clipboard with a visible note, else the link is shown to
 * copy by hand (some in-app browsers allow neither).
 */
function Share({ ev }: { ev: EventPublic }) {
  const [note, setNote] = useState<"" | "copied" | "manual">("");
  const url = `${location.origin}${entryPath(ev.eventId)}`;
  async function share() {
    const data = { title: ev.eventName, text: t.shareText(ev.eventName), url };
    if (navigator.share) {
      try {
        await navigator.share(data);
        return;
      } catch (e) {
        if (e instanceof DOMException && e.name === "AbortError") return; // the visitor closed the sheet
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      setNote("copied");
    } catch {
      setNote("manual");
    }
  }
  return (
    <>
      <button type="button" class="secondary" onClick={share}>
        {t.share}
      </button>
      {note === "copied" && (
        <p role="status" class="small">
          {t.copied}
        </p>
      )}
      {note === "manual" && (
        <p class="small">
          <label for="share-link">{t.copyManually}</label>
          <input id="share-link" type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
    </>
  );
}

export function Confirmation({ ev, receipt }: { ev: EventPublic; receipt: Receipt }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="card ok" aria-labelledby="done-title">
      <h2 id="done-title" tabIndex={-1} ref={heading}>
        {t.title}
      </h2>
      <p>{t.lead}</p>
      <dl class="facts">
        <dt>{t.entryNumber}</dt>
        <dd>
          <strong class="mono">{receipt.participantId}</strong>
        </dd>
        <dt>{t.tickets}</dt>
        <dd>{t.ticketsValue(receipt.bonusEntries)}</dd>
        <dt>{t.announcement}</dt>
        <dd>{common.date(ev.announcementDate)}</dd>
      </dl>
      <div class="actions">
        <Share ev={ev} />
        <a class="button" href={resultPath(ev.eventId)}>
          {t.toResults}
        </a>
      </div>
    </section>
  );
}

/** PART_001: the phone has entered already; said as good news, not an error. */
export function AlreadyEntered({ ev }: { ev: EventPublic }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="card ok" role="status" aria-labelledby="already-title">
      <h2 id="already-title" tabIndex={-1} ref={heading}>
        {form.alreadyTitle}
      </h2>
      <p>{form.alreadyBody(ev.announcementDate)}</p>
      <a class="button secondary block" href={resultPath(ev.eventId)}>
        {t.toResults}
      </a>
    </section>
  );
}

export function Closed({ message }: { message: string }) {
  return (
    <section class="card bad" role="alert">
      <p>{message}</p>
    </section>
  );
}
