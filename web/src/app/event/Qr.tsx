import { qrShape } from "./qr";

/** A QR code as inline SVG, announced by its label (what it opens). */
export function Qr({ text, label, class: cls }: { text: string; label: string; class?: string }) {
  const { size, path } = qrShape(text);
  return (
    <svg class={cls ?? "qr"} viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
