import type { ButtonHTMLAttributes, ComponentChildren } from "preact";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "disabled"> & {
  variant?: "primary" | "secondary" | "danger" | "ghost";
  /** While true the button says busyLabel and ignores clicks (no double submit), but keeps focus. */
  busy?: boolean;
  busyLabel?: string;
  disabled?: boolean;
  block?: boolean;
  children: ComponentChildren;
};

/** A button at least 44 px tall; busy blocks a second click without losing focus. */
export function Button({ variant = "primary", busy, busyLabel, disabled, block, type = "button", onClick, class: cls, children, ...rest }: Props) {
  const classes = ["btn", `btn-${variant}`, block ? "block" : "", (cls as string) ?? ""].filter(Boolean).join(" ");
  return (
    <button
      type={type as "button"}
      class={classes}
      aria-disabled={busy || disabled ? "true" : undefined}
      aria-busy={busy ? "true" : undefined}
      onClick={(e) => {
        if (busy || disabled) {
          e.preventDefault();
          return;
        }
        if (onClick) (onClick as (e: MouseEvent) => void)(e);
      }}
      {...rest}
    >
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
