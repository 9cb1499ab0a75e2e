import type { EventPublic } from "../api/types";
import { common, entry as t } from "../i18n/ko";
import { daysBetween, splitDuration, todayIn, type Phase } from "../lib/dates";
import { resultPath } from "../lib/path";

/** The poster with its size, so the page keeps its place while it loads. */
export function Poster({ ev }: { ev: EventPublic }) {
  const alt = common.posterAlt(ev.eventName);
  if (ev.poster)
    return (
      <figure class="poster">
        <img src={ev.poster.url} width={ev.poster.width} height={ev.poster.height} alt={alt} fetchpriority="high" decoding="async" />
      </figure>
    );
  if (!ev.imageUrl) return null;
  return (
    <figure class="poster">
      <img src={ev.imageUrl} alt={alt} fetchpriority="high" decoding="async" />
    </figure>
  );
}

export function Facts({ ev }: { ev: EventPublic }) {
  return (
    <dl class="facts card soft">
      <dt>{t.prize}</dt>
      <dd>{ev.prize}</dd>
      <dt>{t.period}</dt>
      <dd>{t.periodValue(ev.startDate, ev.endDate)}</dd>
      <dt>{t.eligibility}</dt>
      <dd>{ev.eligibility}</dd>
      <dt>{t.announcement}</dt>
      <dd>
        {common.shortDate(ev.announcementDate)} · {t.winners(ev.winnerCount)}
      </dd>
    </dl>
  );
}

/** Where the event stands: the D-day countdown, or why entering is not possible. */
export function PhaseBanner({ ev, phase, now, opensAt, closesAt }: { ev: EventPublic; phase: Phase; now: number; opensAt: number; closesAt: number }) {
  const results = (
    <a class="button secondary block" href={resultPath(ev.eventId)}>
      {t.toResults}
    </a>
  );
  switch (phase) {
    case "open":
      return (
        <section class="card banner" aria-label={t.period}>
          <p>
            <span class="badge">{t.dday(daysBetween(todayIn(ev.timeZone, now), ev.endDate))}</span> {t.openUntil(ev.endDate)}
          </p>
          <p class="muted small">{t.closesIn(t.duration(splitDuration(closesAt - now)))}</p>
        </section>
      );
    case "notStarted":
      return (
        <section class="card banner" aria-label={t.period}>
          <p>
            <span class="badge neutral">{t.notStarted}</span> {t.opensOn(ev.startDate)}
          </p>
          <p class="muted small">{t.opensIn(t.duration(splitDuration(opensAt - now)))}</p>
        </section>
      );
    case "ended":
      return (
        <section class="card banner" aria-label={t.period}>
          <p>
            <span class="badge neutral">{t.ended}</span> {t.endedBody(ev.announcementDate)}
          </p>
          {results}
        </section>
      );
    case "drawn":
      return (
        <section class="card banner" aria-label={t.announcement}>
          <p>
            <span class="badge">{t.drawn}</span> {t.drawnBody}
          </p>
          {results}
        </section>
      );
  }
}

/** The draw commitment, short, with what it means and where to check it. */
export function Commitment({ ev }: { ev: EventPublic }) {
  if (!ev.drawCommitment) return null;
  return (
    <section class="card" aria-labelledby="commitment-title">
      <h2 id="commitment-title" class="small">
        {common.commitmentLabel} <span class="mono">{ev.drawCommitment.slice(0, 12)}</span>
      </h2>
      <details>
        <summary>{t.commitmentSummary}</summary>
        <p class="small">{t.commitmentBody}</p>
        <p class="small">
          {t.commitmentFull}: <span class="mono">{ev.drawCommitment}</span>
        </p>
        <p class="small">
          <a href={`${resultPath(ev.eventId)}#commitment`}>{t.commitmentLink}</a>
        </p>
      </details>
    </section>
  );
}
