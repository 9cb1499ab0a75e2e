// The analytics report of one event or of all an owner's events: the four
// summary cards, channel performance (table and bars), the timeline chart,
// the ROI with its assumptions, each figure marked measured or estimated,
// and when the figures were last updated.

import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { analytics as t, detail as td, sources } from "../../i18n/console";
import { krw, num, pct, seoulDateTime } from "../format";
import { Link } from "../router";
import type { RoiReport } from "../types";
import { Button, Card, EmptyState, ErrorNote, Kpi, KpiGrid, Spinner } from "../ui";
import { loadReport, noDataYet, type Report } from "./api";
import { channelRows, lastUpdated, roiLines, summaryCards, timelineSeries, type Fmt, type Kind, type Line } from "./shape";
import { TimelineChart } from "./TimelineChart";

type State = { state: "loading" } | { state: "empty" } | { state: "failed"; error: unknown } | { state: "ready"; report: Report };

export function KindTag({ kind }: { kind: Kind | null }) {
  if (!kind) return null;
  return <span class={`tag ${kind}`}>{kind === "measured" ? t.measured : t.estimated}</span>;
}

const fmt = (v: number | string, f: Fmt): string =>
  typeof v === "string"
    ? v || "-"
    : f === "krw"
      ? krw(v)
      : f === "pct"
        ? pct(v)
        : f === "ratioPct"
          ? pct(v * 100)
          : f === "days"
            ? t.days(v)
            : num(Math.round(v * 100) / 100);

export function AnalyticsView({ base, heading, emptyNote }: { base: string; heading: preact.ComponentChildren; emptyNote?: string }) {
  const [s, setS] = useState<State>({ state: "loading" });
  const [refreshing, setRefreshing] = useState(false);
  const ctl = useRef<AbortController | null>(null);
  const run = useCallback(
    (refresh: boolean) => {
      ctl.current?.abort();
      const c = (ctl.current = new AbortController());
      if (refresh) setRefreshing(true);
      loadReport(base, refresh, c.signal)
        .then(
          (report) => !c.signal.aborted && setS({ state: "ready", report }),
          (error: unknown) => !c.signal.aborted && setS(noDataYet(error) ? { state: "empty" } : { state: "failed", error }),
        )
        .finally(() => !c.signal.aborted && setRefreshing(false));
    },
    [base],
  );
  useEffect(() => {
    run(false);
    return () => ctl.current?.abort();
  }, [run]);

  const report = s.state === "ready" ? s.report : null;
  const updated = report ? lastUpdated(report.dashboard.lastUpdated, report.roi?.lastUpdated) : null;

  return (
    <>
      <div class="page-head">
        <h1>{heading}</h1>
        {report && (
          <Button variant="secondary" busy={refreshing} busyLabel={t.refreshing} onClick={() => run(true)}>
            {t.refresh}
          </Button>
        )}
      </div>
      {report && (
        <p class="muted small" aria-live="polite">
          {updated ? t.lastUpdated(seoulDateTime(updated)) : t.notYetUpdated}
        </p>
      )}
      {s.state === "loading" && <Spinner />}
      {s.state === "failed" && <ErrorNote error={s.error} onRetry={() => (setS({ state: "loading" }), run(false))} />}
      {s.state === "empty" && (
        <EmptyState action={<Button variant="secondary" onClick={() => (setS({ state: "loading" }), run(false))}>{t.refresh}</Button>}>
          <strong>{t.emptyTitle}</strong>
          <br />
          {emptyNote ?? t.emptyBody}
        </EmptyState>
      )}
      {report && <Body report={report} />}
    </>
  );
}

function Body({ report }: { report: Report }) {
  const d = report.dashboard;
  const cards = summaryCards(d);
  const rows = channelRows(d, report.channels);
  const series = useMemo(() => (report.timeline ? timelineSeries(report.timeline) : null), [report.timeline]);
  const daily = report.timeline?.granularity === "daily";
  const peak = report.timeline?.peak;
  return (
    <>
      {d.userId && <p class="muted">{t.eventsCounted(d.events)}</p>}
      <p class="muted small legend">
        <KindTag kind="measured" /> <KindTag kind="estimated" /> {t.legend}
      </p>
      <KpiGrid label={t.summary}>
        {cards.map((c) => (
          <Kpi
            key={c.key}
            label={t[c.key === "conversion" ? "conversion" : c.key]}
            value={c.format === "pct" ? pct(c.value) : num(c.value)}
            note={
              <>
                <KindTag kind={c.kind} /> {c.key === "roi" && c.target != null ? t.roiTarget(pct(c.target)) : c.key === "conversion" ? t.conversionNote : null}
              </>
            }
          />
        ))}
      </KpiGrid>
      {report.partError != null && <ErrorNote error={report.partError} message={t.partFailed} />}

      <Card title={t.channels}>
        {rows.length === 0 ? (
          <p class="muted">{t.noChannels}</p>
        ) : (
          <>
            <ul class="bars" aria-label={t.barsLabel}>
              {rows.map((r) => {
                const name = sources[r.channel] ?? r.channel;
                return (
                  <li key={r.channel}>
                    <span class="bar-name">{name}</span>
                    <span class="bar-track" aria-hidden="true">
                      <span class="bar-fill" style={{ width: `${r.participantsPct}%` }} />
                    </span>
                    <span class="bar-value">
                      <span class="visually-hidden">{t.barValue(name, r.participants)}</span>
                      <span aria-hidden="true">{num(r.participants)}</span>
                    </span>
                  </li>
                );
              })}
            </ul>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t.channelsCaption}>
              <table class="ch-table">
                <caption class="visually-hidden">{t.channelsCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.colChannel}</th>
                    <th scope="col" class="num">{t.colViews}</th>
                    <th scope="col" class="num">{t.colParticipants}</th>
                    <th scope="col" class="num">{t.colRate}</th>
                    <th scope="col" class="num">{t.colImpressions}</th>
                    <th scope="col" class="num">
                      {t.colCost} <KindTag kind="estimated" />
                    </th>
                    <th scope="col">{t.colStatus}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.channel}>
                      <th scope="row">{sources[r.channel] ?? r.channel}</th>
                      <td class="num">{num(r.views)}</td>
                      <td class="num">{num(r.participants)}</td>
                      <td class="num">{pct(r.conversionRate)}</td>
                      <td class="num">{num(r.impressions)}</td>
                      <td class="num">{r.distributionCost == null ? "-" : krw(r.distributionCost)}</td>
                      <td>{r.distributionStatus ? (td.distStatus[r.distributionStatus] ?? r.distributionStatus) : "-"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Card>

      {series && (
        <Card title={daily ? t.timelineDaily : t.timeline}>
          <p class="small">{peak ? t.peak(seoulDateTime(peak.timestamp), peak.participants) : t.noPeak}</p>
          {series.xs.length > 0 && <TimelineChart series={series} daily={daily} />}
        </Card>
      )}

      {report.roi && <Roi roi={report.roi} />}
    </>
  );
}

function Lines({ lines, caption }: { lines: Line[]; caption: string }) {
  return (
    <table class="lines">
      <caption>{caption}</caption>
      <tbody>
        {lines.map((l) => (
          <tr key={l.key}>
            <th scope="row">{(t as Record<string, unknown>)[l.key] as string ?? sources[l.key] ?? l.key}</th>
            <td class="num">{fmt(l.value, l.fmt)}</td>
            <td class="kind">
              <KindTag kind={l.kind} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Roi({ roi }: { roi: RoiReport }) {
  const l = roiLines(roi);
  return (
    <Card title={t.roiTitle}>
      <p class="muted small">{t.roiFormula}</p>
      <div class="roi-grid">
        <Lines lines={l.headline} caption={t.roi} />
        <Lines lines={l.investment} caption={t.investment} />
        <Lines lines={l.revenue} caption={t.revenue} />
        <Lines lines={l.measured} caption={t.measuredInputs} />
      </div>
      <details class="assumptions">
        <summary>{t.assumptions}</summary>
        <p class="muted small">{t.assumptionsNote}</p>
        <Lines lines={l.assumptions} caption={t.assumptions} />
        {l.channelCosts.length > 0 && <Lines lines={l.channelCosts} caption={t.channelCosts} />}
      </details>
      {roi.events && roi.events.length > 0 && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t.byEvent}>
          <table>
            <caption>{t.byEvent}</caption>
            <thead>
              <tr>
                <th scope="col">{t.colEvent}</th>
                <th scope="col" class="num">{t.participants}</th>
                <th scope="col" class="num">{t.investment}</th>
                <th scope="col" class="num">{t.revenue}</th>
                <th scope="col" class="num">{t.roi}</th>
              </tr>
            </thead>
            <tbody>
              {roi.events.map((e) => (
                <tr key={e.eventId}>
                  <th scope="row">
                    <Link href={`/app/events/${encodeURIComponent(e.eventId)}/analytics`} class="tap">{e.eventTitle || td.untitled}</Link>
                  </th>
                  <td class="num">{num(e.participants)}</td>
                  <td class="num">{krw(e.totalInvestment)}</td>
                  <td class="num">{krw(e.expectedRevenue)}</td>
                  <td class="num">{pct(e.roi)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
