import { shell } from "../../i18n/console";

/** A quiet loading line, announced politely. */
export function Spinner({ label = shell.loading }: { label?: string }) {
  return (
    <p role="status" class="spinner">
      <span class="spinner-dot" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A labelled progress bar (0..100), e.g. an AI job's. */
export function Progress({ value, label }: { value: number; label: string }) {
  const v = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div class="progress" role="status">
      <p class="progress-label">
        {label} <span class="muted">{v}%</span>
      </p>
      <progress max={100} value={v} aria-label={label} />
    </div>
  );
}
