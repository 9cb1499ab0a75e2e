import type { ComponentChildren } from "preact";

/** One figure with its label (a <div> in a list of KPIs). */
export function Kpi({ label, value, note }: { label: string; value: ComponentChildren; note?: ComponentChildren }) {
  return (
    <div class="kpi">
      <dt class="kpi-label">{label}</dt>
      <dd class="kpi-value">{value}</dd>
      {note && <dd class="kpi-note">{note}</dd>}
    </div>
  );
}

export function KpiGrid({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <dl class="kpis" aria-label={label}>
      {children}
    </dl>
  );
}
