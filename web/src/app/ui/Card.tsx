import type { ComponentChildren } from "preact";

export function Card({ title, level = 2, children, class: cls, tone }: { title?: ComponentChildren; level?: 2 | 3; children?: ComponentChildren; class?: string; tone?: "soft" | "ok" | "bad" }) {
  const H = level === 2 ? "h2" : "h3";
  return (
    <section class={["card", tone ?? "", cls ?? ""].filter(Boolean).join(" ")}>
      {title && <H class="card-title">{title}</H>}
      {children}
    </section>
  );
}
