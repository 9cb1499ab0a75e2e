// Lighthouse (12.2.3, its default mobile preset: Moto G Power screen, 4x CPU
// slowdown, simulated slow 4G) on the entry page of a freshly published
// event, served by the real stack exactly as e2e starts it, and on an empty
// HTML page from a plain Node server as the baseline: the ratio is what our
// page costs over a page that costs nothing, on whatever machine runs it.
// Median of LIGHTHOUSE_RUNS (3) runs each. Prints one JSON object on stdout
// (tools/bench/lighthouse.go reads it); progress goes to stderr.
//
//   node web/scripts/lighthouse.mjs
import { createServer } from 'node:http';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { Api, seoulDate } from '../e2e/api.mjs';
import { startStack } from '../e2e/stack.mjs';
import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/chromium.mjs';

const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 3);
const FLAGS = ['--headless=new', ...CHROMIUM_FLAGS];

const EMPTY = '<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>빈 페이지</title></head><body><p>빈 페이지</p></body></html>';

/** @param {string} msg */
function say(msg) {
  process.stderr.write(`[lighthouse] ${msg}\n`);
}

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/**
 * Runs Lighthouse n times on url; the median of each figure.
 * @param {string} url @param {number} port
 */
async function measure(url, port, n = RUNS) {
  /** @type {{lcpMs: number, tbtMs: number, cls: number, fcpMs: number, score: number}[]} */
  const runs = [];
  for (let i = 0; i < n; i++) {
    const res = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
    if (!res) throw new Error(`lighthouse returned nothing for ${url}`);
    const lhr = res.lhr;
    if (lhr.runtimeError) throw new Error(`lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    /** @param {string} id */
    const value = (id) => {
      const v = lhr.audits[id]?.numericValue;
      if (typeof v !== 'number') throw new Error(`lighthouse on ${url}: no ${id} figure`);
      return v;
    };
    const r = {
      lcpMs: value('largest-contentful-paint'),
      tbtMs: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'),
      fcpMs: value('first-contentful-paint'),
      score: lhr.categories.performance?.score ?? NaN,
    };
    runs.push(r);
    say(`${url}: LCP ${Math.round(r.lcpMs)} ms, TBT ${Math.round(r.tbtMs)} ms, CLS ${r.cls.toFixed(3)}`);
  }
  return {
    lcpMs: median(runs.map((r) => r.lcpMs)),
    tbtMs: median(runs.map((r) => r.tbtMs)),
    cls: median(runs.map((r) => r.cls)),
    fcpMs: median(runs.map((r) => r.fcpMs)),
    score: median(runs.map((r) => r.score)),
    runs: runs.length,
  };
}

const stack = await startStack({ name: 'lighthouse' });
const empty = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(EMPTY);
});
let chrome;
try {
  const api = new Api(stack.origin);
  const owner = await api.registerOwner('lighthouse');
  const id = await api.publishedEvent(owner, { startDate: seoulDate(0), endDate: seoulDate(7), winnerCount: 3 });
  const pageURL = `${stack.origin}/e/${id}?ch=INSTAGRAM`;
  await new Promise((res) => empty.listen(0, '127.0.0.1', () => res(undefined)));
  const addr = empty.address();
  const emptyURL = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;

  chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS, logLevel: 'silent' });
  await measure(emptyURL, chrome.port, 1); // warm-up: the first run pays Chromium's start
  const baseline = await measure(emptyURL, chrome.port);
  const page = await measure(pageURL, chrome.port);
  process.stdout.write(
    JSON.stringify({
      lighthouse: '12.2.3',
      preset: 'mobile (simulated throttling)',
      url: pageURL.replace(stack.origin, ''),
      page,
      baseline,
      budget: { lcpMs: 2000, tbtMs: 150, cls: 0.05 },
    }) + '\n',
  );
} finally {
  if (chrome) await chrome.kill();
  empty.close();
  await stack.stop();
}
