#!/usr/bin/env node
// Size budgets of the public pages, gzipped as a CDN would send them: every
// JS chunk a page loads (its module script, its modulepreloads and whatever
// they import statically), its CSS and its HTML. Run after `npm run build`;
// exits non-zero when a page is over budget.

import { existsSync, readFileSync, readdirSync } from "node:fs";
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
// The owner console (/app, issue 15): its initial JS is the entry script,
// its modulepreloads and their static imports (the lazy routes are not
// loaded yet); each analytics route then adds its chunk and whatever that
// chunk loads, statically or dynamically (uPlot), that is not loaded yet.
const CONSOLE = { page: "/app", html: "app/index.html", js: 120 * KB };
const CONSOLE_ROUTES = [
  { page: "/app/events/{id}/analytics", chunk: /^Analytics-[\w-]+\.js$/, js: 40 * KB },
  { page: "/app/analytics", chunk: /^AllAnalytics-[\w-]+\.js$/, js: 40 * KB },
];

/**
 * Chunks reached from files through static imports (and dynamic ones too
 * when asked), not going through loaded (chunks already there: their own
 * lazy imports are other routes').
 */
function reach(files, dynamic, loaded = []) {
  const seen = new Set(files);
  const queue = [...files];
  const spec = dynamic
    ? /(?:\bfrom\s*|\bimport\s*\(?\s*)["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g
    : /(?:\bfrom\s*|\bimport\s*)["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;
  while (queue.length) {
    const file = queue.pop();
    for (const [, rel] of readFileSync(join(dist, file), "utf8").matchAll(spec)) {
      const dep = posix.normalize(posix.join(posix.dirname(file), rel));
      if (!seen.has(dep) && !loaded.includes(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
  return [...seen];
}

const notBuilt = (page, limit) => ({ page, kind: "js", gzip: "not built", budget: fmt(limit), status: "-", files: "" });
if (!existsSync(join(dist, CONSOLE.html))) {
  rows.push(notBuilt(CONSOLE.page, CONSOLE.js));
} else {
  const html = readFileSync(join(dist, CONSOLE.html), "utf8");
  const heads = [...html.matchAll(/<(?:script|link)\b[^>]*>/g)]
    .map(([tag]) => tag)
    .filter((tag) => /^<script/.test(tag) || /rel=["']modulepreload["']/.test(tag))
    .map((tag) => /(?:src|href)=["']\/?([^"']+)["']/.exec(tag)?.[1])
    .filter((src) => src && !/^(https?:)?\/\//.test(src));
  const initial = reach(heads, false);
  const initialJs = initial.reduce((n, f) => n + gz(f), 0);
  const ok = initialJs <= CONSOLE.js;
  over ||= !ok;
  rows.push({ page: CONSOLE.page, kind: "js", gzip: fmt(initialJs), budget: fmt(CONSOLE.js), status: ok ? "ok" : "OVER", files: initial.join(" ") });
  const { css } = assetsOf(CONSOLE.html);
  rows.push({ page: CONSOLE.page, kind: "css", gzip: fmt(css.reduce((n, f) => n + gz(f), 0)), budget: "-", status: "ok", files: css.join(" ") });
  const assets = readdirSync(join(dist, "assets"));
  for (const r of CONSOLE_ROUTES) {
    const chunk = assets.find((f) => r.chunk.test(f));
    if (!chunk) {
      rows.push(notBuilt(r.page, r.js));
      continue;
    }
    const more = reach([`assets/${chunk}`], true, initial);
    const size = more.reduce((n, f) => n + gz(f), 0);
    const fine = size <= r.js;
    over ||= !fine;
    rows.push({ page: r.page, kind: "js+", gzip: fmt(size), budget: fmt(r.js), status: fine ? "ok" : "OVER", files: more.join(" ") });
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
