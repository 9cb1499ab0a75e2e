// /app/events/{id}/draw: the checklist, the irreversible confirmation, the
// draw (once, whatever the clicks), then winners and alternates with the
// public links, disqualification with a reason, and telling the winners
// (each winner's notice, refreshed while any is on its way).

import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { draw as t, errors, events as te, integrity as ti } from "../../i18n/console";
import { seoulDateTime } from "../format";
import { Link } from "../router";
import type { Event } from "../types";
import { Button, Card, Confirm, ErrorNote, Field, Spinner, descId, messageOf, useTitle } from "../ui";
import { disqualify, drawWinners, getEvent, getProof, listParticipants, listWinners, notifyWinners } from "./api";
import {
  ALTERNATES_DEFAULT,
  ALTERNATES_MAX,
  WINNERS_MAX,
  afterDisqualify,
  fromDraw,
  fromEarlier,
  once,
  readiness,
  validCount,
  type Algorithm,
  type Drawn,
  type Ranked,
} from "./draw";
import { DISQUALIFY_CATEGORIES, anomalySummary, hasAnomalies, type Anomalies, type DisqualifyCategory } from "./integrity";
import { downloadProof } from "./csv";
import { proofPath, resultPath } from "./links";
import { anyQueued, noticeText, statusOf, unnotified, withNotices } from "./notices";

/** How often the screen re-reads the winners while a notice is on its way. */
export const NOTICE_POLL_MS = 2000;

type Loaded =
  | { state: "loading" }
  | { state: "failed"; error: unknown }
  | { state: "ready"; event: Event; drawn: Drawn | null; entries: number; visited: number; anomalies?: Anomalies };

const isCode = (e: unknown, code: string) => e instanceof ApiError && e.code === code;

/** The earlier draw, or null when there is none yet (PART_008). */
async function loadEarlier(id: string): Promise<Drawn | null> {
  let page;
  try {
    page = await listWinners(id);
  } catch (e) {
    if (isCode(e, "PART_008")) return null;
    throw e;
  }
  const proof = await getProof(id).catch(() => null);
  return fromEarlier(page.content, proof);
}

async function load(id: string): Promise<Loaded> {
  const [event, drawn] = await Promise.all([getEvent(id), loadEarlier(id)]);
  if (drawn) return { state: "ready", event, drawn, entries: drawn.total, visited: 0 };
  const [all, visited] = await Promise.all([
    listParticipants(id, "page=0&size=1"),
    listParticipants(id, "storeVisited=true&page=0&size=1"),
  ]);
  return { state: "ready", event, drawn: null, entries: all.totalElements, visited: visited.totalElements, anomalies: all.anomalies };
}

export function DrawScreen({ id }: { id: string }) {
  const [s, setS] = useState<Loaded>({ state: "loading" });
  const [notice, setNotice] = useState<string | null>(null);
  const reload = useCallback(() => {
    setS({ state: "loading" });
    load(id).then(setS, (error: unknown) => setS({ state: "failed", error }));
  }, [id]);
  useEffect(reload, [reload]);
  useTitle(t.title);

  const back = (
    <p>
      <Link href={`/app/events/${encodeURIComponent(id)}`} class="tap">← {t.toEvent}</Link>
    </p>
  );
  if (s.state === "loading")
    return (
      <>
        {back}
        <h1>{t.title}</h1>
        <Spinner />
      </>
    );
  if (s.state === "failed")
    return (
      <>
        {back}
        <h1>{t.title}</h1>
        <ErrorNote error={s.error} onRetry={reload} />
      </>
    );
  const name = s.event.eventName ?? te.untitled;
  return (
    <>
      {back}
      <div class="page-head">
        <h1>
          {t.title} <span class="muted sub">{name}</span>
        </h1>
      </div>
      {notice && (
        <p class="card ok" role="status">
          {notice}
        </p>
      )}
      {s.drawn ? (
        <DrawnView id={id} drawn={s.drawn} onChange={(drawn) => setS({ ...s, drawn })} onNotice={setNotice} />
      ) : (
        <DrawForm
          id={id}
          event={s.event}
          entries={s.entries}
          visited={s.visited}
          anomalies={s.anomalies}
          onDrawn={(drawn, msg) => {
            setNotice(msg);
            setS({ ...s, drawn });
          }}
        />
      )}
    </>
  );
}

function DrawForm({
  id,
  event,
  entries,
  visited,
  anomalies,
  onDrawn,
}: {
  id: string;
  event: Event;
  entries: number;
  visited: number;
  anomalies?: Anomalies | undefined;
  onDrawn: (d: Drawn, notice: string) => void;
}) {
  const [winners, setWinners] = useState(String(event.winnerCount));
  const [alternates, setAlternates] = useState(String(ALTERNATES_DEFAULT));
  const [algorithm, setAlgorithm] = useState<Algorithm>("RANDOM");
  const [agreed, setAgreed] = useState(false);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const w = Number(winners);
  const a = Number(alternates);
  const { items, ready } = readiness(event.status, entries, w, a, t);
  const stillOpen = event.status === "PUBLISHED";

  // One POST per screen, however often the button or Enter fires.
  const run = useMemo(
    () =>
      once(async (body: { winnerCount: number; alternateCount: number; applyStoreVisitBonus: boolean }) => {
        setBusy(true);
        setError(null);
        try {
          const d = await drawWinners(id, body);
          onDrawn(fromDraw(d), t.done);
        } catch (e) {
          if (isCode(e, "PART_006")) {
            // Drawn meanwhile (another tab, or the first of two clicks): show that draw.
            try {
              const earlier = await loadEarlier(id);
              if (earlier) return onDrawn(earlier, t.already);
            } catch {
              // fall through to the message
            }
          }
          setError(e);
          setAsking(false);
        } finally {
          setBusy(false);
        }
      }),
    [id],
  );
  const sent = useRef(false);

  const wErr = winners !== "" && !validCount(w, 1, WINNERS_MAX) ? t.countInvalid(1, WINNERS_MAX) : null;
  const aErr = alternates !== "" && !validCount(a, 0, ALTERNATES_MAX) ? t.countInvalid(0, ALTERNATES_MAX) : null;
  const algName = algorithm === "WEIGHTED" ? t.weighted : t.random;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready && agreed && !busy) setAsking(true);
      }}
    >
      <Card title={t.checklist}>
        <dl class="facts-list">
          <div>
            <dt>{t.entries}</dt>
            <dd>
              <strong>{t.entriesValue(entries)}</strong> <span class="muted">{t.visitedValue(visited)}</span>
            </dd>
          </div>
        </dl>
        <Field id="draw-winners" label={t.winnerCount} type="number" inputMode="numeric" min={1} max={WINNERS_MAX} required value={winners} error={wErr}
          onInput={(e) => setWinners((e.target as HTMLInputElement).value)} />
        <Field id="draw-alternates" label={t.alternateCount} type="number" inputMode="numeric" min={0} max={ALTERNATES_MAX} required value={alternates}
          error={aErr} hint={t.alternateHint} onInput={(e) => setAlternates((e.target as HTMLInputElement).value)} />
        <fieldset>
          <legend>{t.algorithm}</legend>
          {(["RANDOM", "WEIGHTED"] as const).map((alg) => (
            <label class="choice" key={alg}>
              <input type="radio" name="algorithm" value={alg} checked={algorithm === alg} aria-describedby={descId(`alg-${alg}`)}
                onChange={() => setAlgorithm(alg)} />
              <span>
                <strong>{alg === "RANDOM" ? t.random : t.weighted}</strong>
                <span id={descId(`alg-${alg}`)} class="hint">
                  {alg === "RANDOM" ? t.randomHelp : t.weightedHelp}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        <ul class="checklist">
          {items.map((i) => (
            <li class={i.ok ? "ok" : "bad"} key={i.text}>
              <span class="visually-hidden">{i.ok ? t.checkOk : t.checkWarn}: </span>
              {i.text}
            </li>
          ))}
          {hasAnomalies(anomalies) && (
            <li class="warn">
              <span class="visually-hidden">{t.checkWarn}: </span>
              {anomalySummary(anomalies)}{" "}
              <Link href={`/app/events/${encodeURIComponent(id)}/participants`}>{ti.toParticipants}</Link>
            </li>
          )}
          {stillOpen && (
            <li class="warn">
              <span class="visually-hidden">{t.checkWarn}: </span>
              {t.closesEntries}
            </li>
          )}
          <li class="info">{t.proofPublic}</li>
        </ul>
      </Card>
      <ErrorNote error={error} message={error ? drawMessage(error, w) : undefined} />
      <label class="choice agree">
        <input type="checkbox" checked={agreed} onChange={(e) => setAgreed((e.target as HTMLInputElement).checked)} />
        <span>{t.irreversible}</span>
      </label>
      <div class="actions">
        <Button type="submit" variant="danger" disabled={!ready || !agreed} busy={busy} busyLabel={t.drawing}>
          {t.start}
        </Button>
      </div>
      <Confirm
        open={asking}
        title={t.confirmTitle}
        confirmLabel={t.confirm}
        danger
        busy={busy}
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          if (sent.current) return;
          sent.current = true;
          void run({ winnerCount: w, alternateCount: a, applyStoreVisitBonus: algorithm === "WEIGHTED" }).finally(() => {
            sent.current = false;
          });
        }}
      >
        <p>{t.confirmBody(w, a, algName)}</p>
      </Confirm>
    </form>
  );
}

function drawMessage(e: unknown, winners: number): string {
  if (isCode(e, "PART_007")) return t.tooFewNow(winners);
  if (isCode(e, "EVENT_004")) return t.okDraft;
  return messageOf(e);
}

function DrawnView({ id, drawn, onChange, onNotice }: { id: string; drawn: Drawn; onChange: (d: Drawn) => void; onNotice: (m: string | null) => void }) {
  const [target, setTarget] = useState<Ranked | null>(null);
  const [category, setCategory] = useState<DisqualifyCategory | "">("");
  const [categoryErr, setCategoryErr] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [reasonErr, setReasonErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = useMemo(
    () =>
      once(async (who: Ranked, kind: DisqualifyCategory, why: string) => {
        setBusy(true);
        setError(null);
        try {
          const r = await disqualify(id, who.participantId, kind, why);
          const page = await listWinners(id);
          onChange(afterDisqualify(drawn, page.content, r.replacedBy.participantId));
          onNotice(t.replaced(who.rank, r.replacedBy.participantId));
          setTarget(null);
          setReason("");
          setCategory("");
        } catch (e) {
          if (isCode(e, "PART_012")) {
            const page = await listWinners(id).catch(() => null);
            if (page) onChange(afterDisqualify(drawn, page.content, ""));
            onNotice(t.notWinner);
            setTarget(null);
          } else setError(e);
        } finally {
          setBusy(false);
        }
      }),
    [id, drawn],
  );

  // Telling the winners: one request however often it is asked; the list
  // is re-read while any notice is on its way.
  const latest = useRef({ drawn, onChange, onNotice });
  latest.current = { drawn, onChange, onNotice };
  const [asking, setAsking] = useState(false);
  const [notifyBusy, setNotifyBusy] = useState(false);
  const [notifyError, setNotifyError] = useState<unknown>(null);
  const refresh = useCallback(async () => {
    const page = await listWinners(id);
    latest.current.onChange(withNotices(latest.current.drawn, page.content));
  }, [id]);
  const notify = useMemo(
    () =>
      once(async (only?: Ranked) => {
        setNotifyBusy(true);
        setNotifyError(null);
        try {
          const r = await notifyWinners(id, only ? [only.participantId] : undefined);
          latest.current.onNotice(only ? t.resent(only.rank) : t.notifyQueued(r.queued));
          setAsking(false);
          await refresh().catch(() => undefined);
        } catch (e) {
          if (isCode(e, "PART_012")) {
            await refresh().catch(() => undefined);
            latest.current.onNotice(t.notWinner);
            setAsking(false);
          } else setNotifyError(e);
        } finally {
          setNotifyBusy(false);
        }
      }),
    [id, refresh],
  );
  const waiting = anyQueued(drawn);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => void refresh().catch(() => undefined), NOTICE_POLL_MS);
    return () => clearTimeout(timer);
  }, [waiting, drawn, refresh]);
  const toTell = unnotified(drawn).length;

  return (
    <>
      <Card title={t.summary}>
        <dl class="facts-list">
          <div>
            <dt>{t.drawnAt}</dt>
            <dd>{seoulDateTime(drawn.drawnAt)}</dd>
          </div>
          <div>
            <dt>{t.algorithmUsed}</dt>
            <dd>{t.algorithms[drawn.algorithm] ?? drawn.algorithm}</dd>
          </div>
          {drawn.total > 0 && (
            <div>
              <dt>{t.total}</dt>
              <dd>{t.entriesValue(drawn.total)}</dd>
            </div>
          )}
        </dl>
        <p class="link-row">
          <a class="btn btn-secondary" href={resultPath(id)} target="_blank" rel="noopener">
            {t.resultLink}
          </a>
          <a
            class="btn btn-secondary"
            href={proofPath(id)}
            target="_blank"
            rel="noopener"
            onClick={(e) => {
              // The bundle is saved from Blob through a short-lived link; the
              // public address stays in href (copy, open in a tab, fallback).
              e.preventDefault();
              downloadProof(id).catch(() => window.open(proofPath(id), "_blank", "noopener"));
            }}
          >
            {t.proofLink}
          </a>
        </p>
        <p class="muted">{t.linksNote}</p>
      </Card>
      <Card title={t.winners}>
        <ol class="ranked" aria-label={t.winners}>
          {drawn.winners.map((w) => (
            <li key={w.participantId}>
              <span class="rank">{t.rank(w.rank)}</span>
              <span class="who">
                <strong>{w.name || w.participantId}</strong> <span class="muted">{w.phoneNumber}</span>
                <span class="muted pid">{w.participantId}</span>
                {w.substitute && <span class="badge neutral">{t.substitute}</span>}
                <span class={`notice notice-${statusOf(w).toLowerCase()}`}>
                  {t.noticeLabel}: {noticeText(w, t)}
                </span>
              </span>
              {statusOf(w) === "FAILED" && (
                <Button variant="secondary" aria-label={t.resendLabel(w.name || w.participantId, w.rank)} disabled={notifyBusy}
                  onClick={() => {
                    onNotice(null);
                    void notify(w);
                  }}>
                  {t.resend}
                </Button>
              )}
              <Button variant="secondary" aria-label={t.disqualifyLabel(w.name || w.participantId, w.rank)}
                onClick={() => {
                  setTarget(w);
                  setReason("");
                  setReasonErr(null);
                  setCategory("");
                  setCategoryErr(null);
                  setError(null);
                  onNotice(null);
                }}>
                {t.disqualify}
              </Button>
            </li>
          ))}
        </ol>
        {notifyError != null && !asking && <ErrorNote error={notifyError} />}
        <div class="actions">
          <Button variant="primary" disabled={toTell === 0 || notifyBusy} busy={notifyBusy && !asking} busyLabel={t.notifying}
            onClick={() => {
              setNotifyError(null);
              onNotice(null);
              setAsking(true);
            }}>
            {t.notify}
          </Button>
        </div>
        {toTell === 0 && <p class="muted">{t.allNotified}</p>}
      </Card>
      <Card title={t.alternates}>
        {drawn.alternates.length === 0 ? (
          <p class="muted">{t.noAlternates}</p>
        ) : (
          <>
            <ol class="ranked" aria-label={t.alternates}>
              {drawn.alternates.map((a, i) => (
                <li key={a.participantId}>
                  <span class="rank">{t.place(i + 1)}</span>
                  <span class="who">
                    {a.name && <strong>{a.name}</strong>} {a.phoneNumber && <span class="muted">{a.phoneNumber}</span>}
                    <span class="muted pid">{a.participantId}</span>
                  </span>
                </li>
              ))}
            </ol>
            {drawn.alternatesById && <p class="muted">{t.alternatesById}</p>}
          </>
        )}
      </Card>
      <Confirm
        open={target !== null}
        title={target ? t.disqualifyTitle(target.name || target.participantId, target.rank) : ""}
        confirmLabel={t.disqualifyConfirm}
        danger
        busy={busy}
        onCancel={() => setTarget(null)}
        onConfirm={() => {
          const why = reason.trim();
          if (!category) setCategoryErr(ti.categoryRequired);
          if (!why) setReasonErr(t.reasonRequired);
          if (!category || !why) return;
          if (target) void submit(target, category, why);
        }}
      >
        <p>{t.disqualifyBody}</p>
        <Field id="dq-category" label={ti.category} hint={ti.categoryHint} error={categoryErr} required>
          <select id="dq-category" name="category" value={category} required aria-invalid={categoryErr ? "true" : undefined}
            aria-describedby={descId("dq-category")}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setCategory(DISQUALIFY_CATEGORIES.find((c) => c === v) ?? "");
              setCategoryErr(null);
            }}>
            <option value="">{ti.choose}</option>
            {DISQUALIFY_CATEGORIES.map((c) => (
              <option value={c} key={c}>
                {ti.categories[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="dq-reason" label={t.reason} hint={t.reasonHint} error={reasonErr} required>
          <textarea id="dq-reason" name="reason" rows={3} maxLength={500} value={reason} required
            aria-invalid={reasonErr ? "true" : undefined} aria-describedby={descId("dq-reason")}
            onInput={(e) => {
              setReason((e.target as HTMLTextAreaElement).value);
              setReasonErr(null);
            }} />
        </Field>
        {error != null && (
          <p class="error" role="alert">
            {isCode(error, "PART_011") ? errors.PART_011 : messageOf(error)}
          </p>
        )}
      </Confirm>
      <Confirm open={asking} title={t.notifyTitle} confirmLabel={t.notifyConfirm} busy={notifyBusy}
        onCancel={() => setAsking(false)}
        onConfirm={() => void notify()}>
        <p>{t.notifyBody(toTell)}</p>
        <p>{t.notifyWhat}</p>
        <p class="muted">{t.notifyOnce}</p>
        {notifyError != null && (
          <p class="error" role="alert">
            {messageOf(notifyError)}
          </p>
        )}
      </Confirm>
    </>
  );
}
