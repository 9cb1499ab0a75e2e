import type { ComponentChildren, InputHTMLAttributes } from "preact";

/** The id of the hint/error text a control points at with aria-describedby. */
export const descId = (id: string) => `${id}-desc`;

type Common = {
  id: string;
  label: string;
  error?: string | null | undefined;
  hint?: ComponentChildren;
  required?: boolean;
};

/**
 * A labelled control (required ones are not starred: the optional
 * ones say so in their label) with its hint and error beside it: the control gets
 * aria-invalid and aria-describedby. Without children it renders an <input>
 * with the rest of the props; with children (a select, a textarea) the
 * caller wires id, aria-describedby={descId(id)} and aria-invalid itself.
 */
export function Field({ id, label, error, hint, required, children, ...input }: Common & { children?: ComponentChildren } & InputHTMLAttributes<HTMLInputElement>) {
  const hasDesc = !!error || !!hint;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children ?? (
        <input
          id={id}
          name={id}
          type="text"
          required={required}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={hasDesc ? descId(id) : undefined}
          {...input}
        />
      )}
      {hasDesc && (
        <div id={descId(id)}>
          {hint && <div class="hint">{hint}</div>}
          {error && <p class="error">{error}</p>}
        </div>
      )}
    </div>
  );
}
