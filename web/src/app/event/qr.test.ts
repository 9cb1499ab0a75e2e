import { describe, expect, it } from "vitest";
import qrcode from "qrcode-generator";
import { qrShape, qrSvgFile } from "./qr";

describe("QR codes", () => {
  it("draws every dark module of the code and nothing else", () => {
    const text = "https://example.com/e/11111111-1111-4111-8111-111111111111?ch=STORE_QR";
    const { size, path } = qrShape(text);
    const qr = qrcode(0, "M");
    qr.addData(text, "Byte");
    qr.make();
    const n = qr.getModuleCount();
    expect(size).toBe(n + 8);
    const dark = new Set<string>();
    for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)/g)) for (let i = 0; i < Number(m[3]); i++) dark.add(`${Number(m[2]) - 4},${Number(m[1]) - 4 + i}`);
    let count = 0;
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) (count++, expect(dark.has(`${r},${c}`)).toBe(true));
    expect(dark.size).toBe(count);
  });
  it("writes a standalone SVG file", () => {
    expect(qrSvgFile("x")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="512"/);
  });
});
