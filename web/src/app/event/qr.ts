// QR codes as SVG paths, from qrcode-generator (MIT, no dependencies): one
// <path> of dark modules, so a code renders crisply at any size and prints.

import qrcode from "qrcode-generator";

export interface QrShape {
  /** Modules per side, quiet zone included. */
  size: number;
  /** The dark modules as one SVG path in module units. */
  path: string;
}

/** The QR shape of a text (byte mode, level M; the version grows with the text). */
export function qrShape(text: string, quiet = 4): QrShape {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  let path = "";
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.isDark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.isDark(r, c)) c++;
      path += `M${start + quiet} ${r + quiet}h${c - start}v1h-${c - start}z`;
    }
  }
  return { size: n + 2 * quiet, path };
}

/** A standalone SVG document of a code (for saving as a file). */
export function qrSvgFile(text: string, px = 512): string {
  const { size, path } = qrShape(text);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges">` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`
  );
}
