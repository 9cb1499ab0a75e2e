// The hourly (or daily) series as a uPlot chart. uPlot and its stylesheet are
// imported here, dynamically, so only the analytics screens ever load them
// (and only once the figures arrived); the table beside the chart carries the
// same numbers for screen readers and for when the chart cannot load.

import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import { analytics as t } from "../../i18n/console";
import { num } from "../format";
import type { Series } from "./shape";

const hourFmt = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", month: "numeric", day: "numeric", hour: "numeric", hourCycle: "h23" });
const dayFmt = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", month: "numeric", day: "numeric", weekday: "short" });
const tickHour = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", hour: "numeric", hourCycle: "h23" });
const tickDay = new Intl.DateTimeFormat("ko-KR", { timeZone: "Asia/Seoul", month: "numeric", day: "numeric" });
/** Midnight in Asia/Seoul as tickHour writes it ("0시"). */
const MIDNIGHT = tickHour.format(new Date(Date.UTC(2000, 0, 1, 15)));
/** A short axis tick: the hour, or the date at midnight and on daily charts. */
export const tickLabel = (x: number, daily: boolean) => {
  const d = new Date(x * 1000);
  return daily || tickHour.format(d) === MIDNIGHT ? tickDay.format(d) : tickHour.format(d);
};
export const slotLabel = (x: number, daily: boolean) => (daily ? dayFmt : hourFmt).format(new Date(x * 1000));

/** uPlot writes axis times in the browser's zone; the owner reads Asia/Seoul. */
const seoulTzDate = (ts: number): Date => {
  const d = new Date(ts * 1000);
  const p = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Seoul", hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })
    .formatToParts(d)
    .reduce<Record<string, number>>((acc, x) => ((acc[x.type] = Number(x.value)), acc), {});
  return new Date(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
};

export function TimelineChart({ series, daily }: { series: Series; daily: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => {
    let plot: uPlot | null = null;
    let gone = false;
    let ro: ResizeObserver | null = null;
    Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")]).then(
      ([{ default: UPlot }]) => {
        const el = box.current;
        if (gone || !el) return;
        const width = () => Math.max(280, el.clientWidth);
        const css = getComputedStyle(document.documentElement);
        const accent = css.getPropertyValue("--accent").trim() || "#c2410c";
        const focus = css.getPropertyValue("--focus").trim() || "#1d4ed8";
        plot = new UPlot(
          {
            width: width(),
            height: 240,
            tzDate: seoulTzDate,
            cursor: { drag: { x: false, y: false } },
            legend: { show: true },
            scales: { x: { time: true }, v: { auto: true } },
            axes: [
              { space: 56, values: (_u, splits) => splits.map((x) => tickLabel(x, daily)) },
              { label: t.seriesParticipants, size: 56 },
              { scale: "v", side: 1, label: t.seriesViews, grid: { show: false }, size: 56 },
            ],
            series: [
              { label: t.colTime, value: (_u, x) => (x == null ? "-" : slotLabel(x, daily)) },
              { label: t.seriesParticipants, stroke: accent, fill: "rgba(194,65,12,0.12)", width: 2, value: (_u, v) => (v == null ? "-" : num(v)) },
              { label: t.seriesViews, stroke: focus, scale: "v", width: 1.5, dash: [4, 4], value: (_u, v) => (v == null ? "-" : num(v)) },
            ],
          },
          [series.xs, series.participants, series.views],
          el,
        );
        setState("ready");
        ro = new ResizeObserver(() => plot?.setSize({ width: width(), height: 240 }));
        ro.observe(el);
      },
      () => !gone && setState("failed"),
    );
    return () => {
      gone = true;
      ro?.disconnect();
      plot?.destroy();
    };
  }, [series, daily]);

  return (
    <div class="chart">
      <div ref={box} class="chart-box" role="img" aria-label={t.chartLabel(series.xs.length, series.total)} />
      {state === "loading" && <p class="muted small">{t.chartLoading}</p>}
      {state === "failed" && (
        <p class="error small" role="alert">
          {t.chartFailed}
        </p>
      )}
      <details class="chart-table" open={state === "failed"}>
        <summary>{t.asTable}</summary>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t.asTable}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.colTime}</th>
                <th scope="col" class="num">{t.seriesParticipants}</th>
                <th scope="col" class="num">{t.seriesViews}</th>
              </tr>
            </thead>
            <tbody>
              {series.xs.map((x, i) =>
                series.participants[i] || series.views[i] ? (
                  <tr key={x}>
                    <td>{slotLabel(x, daily)}</td>
                    <td class="num">{num(series.participants[i])}</td>
                    <td class="num">{num(series.views[i])}</td>
                  </tr>
                ) : null,
              )}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
