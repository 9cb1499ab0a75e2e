// /app/events/{id}: status and dates, ending early, the public link, today's
// store visit code, a QR code per channel, the printable A4 counter poster
// and the distribution.

import { useEffect, useState } from "preact/hooks";
import { detail as t, events as te, sources } from "../../i18n/console";
import { seoulDate, seoulDateTime } from "../format";
import { Link } from "../router";
import type { Event, Source, VisitCode } from "../types";
import { Button, Card, Confirm, ErrorNote, Spinner, useTitle } from "../ui";
import { useApi } from "../http";
import { endEvent, eventPath, visitCodePath } from "./api";
import { DistributionPanel } from "./DistributionPanel";
import { absolute, entryPath, qrSources } from "./links";
import { Qr } from "./Qr";
import { qrSvgFile } from "./qr";

export function EventDetailScreen({ id }: { id: string }) {
  const { data, error, loading, reload } = useApi<Event>(eventPath(id));
  const [ev, setEv] = useState<Event | null>(null);
  const event = ev && data && ev.updatedAt >= data.updatedAt ? ev : data;
  useTitle(event?.eventName ?? t.untitled);
  const visit = useVisitCode(id, event?.status === "PUBLISHED");

  const back = (
    <p class="no-print">
      <Link href="/app/events" class="tap">← {t.back}</Link>
    </p>
  );
  if (!event)
    return (
      <>
        {back}
        {loading || !error ? <Spinner /> : <ErrorNote error={error} onRetry={reload} />}
      </>
    );
  const name = event.eventName ?? t.untitled;
  const live = event.status !== "DRAFT";
  const base = `/app/events/${encodeURIComponent(id)}`;
  return (
    <>
      {back}
      <div class="page-head no-print">
        <h1>{name}</h1>
        <span class={`badge ${event.status === "PUBLISHED" ? "ok" : event.status === "DRAFT" ? "draft" : "neutral"}`}>
          {te.statusLabel[event.status] ?? event.status}
        </span>
      </div>
      <div class="no-print">
        <Facts event={event} />
        {live ? (
          <nav aria-label={t.sections} class="link-row">
            <Link class="btn btn-secondary" href={`${base}/participants`}>{t.toParticipants}</Link>
            <Link class="btn btn-secondary" href={`${base}/draw`}>{t.toDraw}</Link>
            <Link class="btn btn-secondary" href={`${base}/analytics`}>{t.toAnalytics}</Link>
          </nav>
        ) : (
          <Card tone="soft">
            <p>{t.draftNote}</p>
            <Link class="btn btn-primary" href={`/app/events/new?id=${encodeURIComponent(id)}`}>{t.continueDraft}</Link>
          </Card>
        )}
        {event.status === "PUBLISHED" && <EndEarly id={id} onEnded={setEv} />}
        {live && <PublicLink id={id} />}
        {event.status === "PUBLISHED" && <VisitCodeCard visit={visit} />}
        {live && <DistributionPanel id={id} />}
        {live && <QrCodes id={id} event={event} visit={visit.data} />}
      </div>
      {live && <Poster id={id} event={event} visit={visit.data} />}
    </>
  );
}

function Facts({ event }: { event: Event }) {
  return (
    <Card>
      <dl class="facts-list">
        <div>
          <dt>{t.period}</dt>
          <dd>{event.startDate && event.endDate ? `${seoulDate(event.startDate)} ~ ${seoulDate(event.endDate)}` : te.noPeriod}</dd>
        </div>
        {event.prize && (
          <div>
            <dt>{t.prize}</dt>
            <dd>{event.prize}</dd>
          </div>
        )}
        <div>
          <dt>{t.winners}</dt>
          <dd>{t.winnersValue(event.winnerCount)}</dd>
        </div>
        {event.publishedAt && (
          <div>
            <dt>{t.publishedAt}</dt>
            <dd>{seoulDateTime(event.publishedAt)}</dd>
          </div>
        )}
        {event.endedAt && (
          <div>
            <dt>{t.endedAt}</dt>
            <dd>{seoulDateTime(event.endedAt)}</dd>
          </div>
        )}
      </dl>
    </Card>
  );
}

function EndEarly({ id, onEnded }: { id: string; onEnded: (e: Event) => void }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div class="end-early">
      <Button variant="danger" onClick={() => (setError(null), setOpen(true))}>
        {t.endEarly}
      </Button>
      <ErrorNote error={open ? null : error} />
      <Confirm
        open={open}
        title={t.endTitle}
        confirmLabel={t.endConfirm}
        danger
        busy={busy}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          if (busy) return;
          setBusy(true);
          try {
            onEnded(await endEvent(id));
            setOpen(false);
          } catch (e) {
            setError(e);
            setOpen(false);
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>{t.endBody}</p>
      </Confirm>
    </div>
  );
}

function PublicLink({ id }: { id: string }) {
  const url = absolute(entryPath(id));
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <Card title={t.linkTitle}>
      <p class="url">
        <a href={entryPath(id)} target="_blank" rel="noopener" class="tap">
          {url}
        </a>
      </p>
      <p class="muted small">{t.linkNote}</p>
      <div class="link-row">
        <Button
          variant="secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(url);
              setMsg(t.copied);
            } catch {
              setMsg(t.copyFailed);
            }
          }}
        >
          {t.copy}
        </Button>
      </div>
      {msg && (
        <p role="status" class="small">
          {msg}
        </p>
      )}
    </Card>
  );
}

type VisitState = ReturnType<typeof useApi<VisitCode>>;

/**
 * Today's store visit code while the event takes entries, read again when
 * the day turns in Seoul (validUntil), so a page left open overnight never
 * shows yesterday's code.
 */
function useVisitCode(id: string, published: boolean): VisitState {
  const state = useApi<VisitCode>(published ? visitCodePath(id) : null);
  const until = state.data?.validUntil;
  const { reload } = state;
  useEffect(() => {
    if (!until) return;
    const ms = Date.parse(until) - Date.now();
    const timer = setTimeout(reload, Math.min(Math.max(ms, 0) + 1000, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [until, reload]);
  return state;
}

function VisitCodeCard({ visit }: { visit: VisitState }) {
  const v = visit.data;
  return (
    <Card title={t.visitTitle}>
      {v ? (
        <>
          <p class="visit-code">
            <span aria-hidden="true">{v.code}</span>
            <span class="visually-hidden">{t.visitCodeLabel(v.code)}</span>
          </p>
          <p>
            <strong>{t.visitValidOn(seoulDate(v.validOn))}</strong>
          </p>
          <p class="muted small">{t.visitDaily}</p>
          <p class="muted small">{t.visitHow}</p>
        </>
      ) : visit.error ? (
        <>
          <p>{t.visitUnavailable}</p>
          <ErrorNote error={visit.error} onRetry={visit.reload} />
        </>
      ) : (
        <Spinner />
      )}
    </Card>
  );
}

/** The store QR code's link: today's qrUrl (with v) when known, else the plain STORE_QR link. */
const storeQrUrl = (id: string, visit?: VisitCode) => visit?.qrUrl ?? absolute(entryPath(id, "STORE_QR"));

function QrCodes({ id, event, visit }: { id: string; event: Event; visit?: VisitCode }) {
  return (
    <Card title={t.qrTitle}>
      <p class="muted small">{t.qrNote}</p>
      <ul class="qr-grid">
        {qrSources(event.channels).map((src) => (
          <QrItem key={src} src={src} url={src === "STORE_QR" ? storeQrUrl(id, visit) : absolute(entryPath(id, src))} />
        ))}
      </ul>
    </Card>
  );
}

function QrItem({ src, url }: { src: Source; url: string }) {
  const name = sources[src] ?? src;
  const save = () => {
    const blob = new Blob([qrSvgFile(url)], { type: "image/svg+xml" });
    const href = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = href;
    a.download = `qr-${src.toLowerCase()}.svg`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  };
  return (
    <li class="qr-item">
      <Qr text={url} label={t.qrLabel(name)} />
      <p class="qr-name">
        <strong>{name}</strong>
        <span class="muted small url">{url}</span>
      </p>
      <Button variant="ghost" aria-label={t.qrSaveLabel(name)} onClick={save}>
        {t.qrSave}
      </Button>
    </li>
  );
}

/** The A4 counter poster: on screen a preview with the print button, on paper the page alone. */
function Poster({ id, event, visit }: { id: string; event: Event; visit?: VisitCode }) {
  const url = storeQrUrl(id, visit);
  const short = absolute(entryPath(id)).replace(/^https?:\/\//, "");
  const name = event.eventName ?? t.untitled;
  return (
    <Card title={t.posterTitle} class="poster-card">
      <p class="muted small no-print">{t.posterNote}</p>
      {visit && <p class="no-print"><strong>{t.posterDaily}</strong></p>}
      {!event.selectedImageUrl && <p class="muted small no-print">{t.noPoster}</p>}
      <div class="no-print link-row">
        <Button onClick={() => print()}>{t.print}</Button>
      </div>
      <div class="a4" id="poster">
        <div class="a4-page">
          <h2 class="a4-title">{name}</h2>
          {event.selectedImageUrl && <img class="a4-image" src={event.selectedImageUrl} alt={t.posterAlt(name)} />}
          {event.prize && <p class="a4-prize">{event.prize}</p>}
          <div class="a4-qr">
            <Qr text={url} label={t.qrLabel(sources.STORE_QR!)} />
          </div>
          <p class="a4-scan">{t.posterScan}</p>
          {visit && (
            <p class="a4-visit">
              {t.posterValidToday(seoulDate(visit.validOn))} · {t.posterCode} <strong>{visit.code}</strong>
            </p>
          )}
          <p class="a4-url">
            {t.posterOrVisit}: <strong>{short}</strong>
          </p>
        </div>
      </div>
    </Card>
  );
}

