#!/usr/bin/env node
// Size budgets of the public pages, gzipped as a CDN would send them: every
// JS chunk a page loads (its module script, its modulepreloads and whatever
// they import statically), its CSS and its HTML. Run after `npm run build`;
// exits non-zero when a page is over budget.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "web");
const KB = 1024;
const pages = [
  { page: "/e/{id}", html: "entry.html", budget: { js: 20 * KB, css: 10 * KB, html: 15 * KB } },
  { page: "/e/{id}/result", html: "result.html", budget: { js: 30 * KB } },
];

const gz = (rel) => gzipSync(readFileSync(join(dist, rel)), { level: 9 }).length;

/** Files a page loads, by kind, from its HTML tags and the chunks' static imports. */
function assetsOf(htmlFile) {
  const html = readFileSync(join(dist, htmlFile), "utf8");
  const js = new Set();
  const css = new Set();
  const attr = (tag, name) => new RegExp(`${name}=["']([^"']+)["']`).exec(tag)?.[1];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const src = attr(tag, "src") ?? attr(tag, "href");
    if (!src || /^(https?:)?\/\//.test(src)) continue;
    const rel = src.replace(/^\//, "");
    if (/^<script/.test(tag) || /rel=["']modulepreload["']/.test(tag)) js.add(rel);
    else if (/rel=["']stylesheet["']/.test(tag)) css.add(rel);
  }
  const queue = [...js];
  while (queue.length) {
    const file = queue.pop();
    const code = readFileSync(join(dist, file), "utf8");
    for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      const dep = posix.normalize(posix.join(posix.dirname(file), spec));
      if (!js.has(dep)) {
        js.add(dep);
        queue.push(dep);
      }
    }
  }
  return { js: [...js], css: [...css] };
}

if (!existsSync(join(dist, "entry.html"))) {
  console.error(`budget: ${dist} has no build; run npm run build first`);
  process.exit(2);
}

const fmt = (n) => `${(n / KB).toFixed(1)} KB`;
const rows = [];
let over = false;
for (const p of pages) {
  const { js, css } = assetsOf(p.html);
  const sizes = {
    js: js.reduce((s, f) => s + gz(f), 0),
    css: css.reduce((s, f) => s + gz(f), 0),
    html: gz(p.html),
  };
  for (const kind of ["js", "css", "html"]) {
    const limit = p.budget[kind];
    const ok = limit === undefined || sizes[kind] <= limit;
    over ||= !ok;
    rows.push({
      page: p.page,
      kind,
      gzip: fmt(sizes[kind]),
      budget: limit === undefined ? "-" : fmt(limit),
      status: ok ? "ok" : "OVER",
      files: (kind === "js" ? js : kind === "css" ? css : [p.html]).join(" "),
    });
  }
}
const cols = ["page", "kind", "gzip", "budget", "status", "files"];
const width = Object.fromEntries(cols.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))]));
const line = (r) => cols.map((c) => r[c].padEnd(width[c])).join("  ").trimEnd();
console.log(line(Object.fromEntries(cols.map((c) => [c, c]))));
for (const r of rows) console.log(line(r));
if (over) {
  console.error("budget: over budget");
  process.exit(1);
}
