// The results page checking a large draw in desktop Chromium: the built
// page (dist/web/result.html and its assets) is opened on a made-up origin
// whose every request Playwright answers, the API calls from the bundle the
// Go draw wrote (tools/bench/webverify.go), so the figure is the page's
// own work: fetching, parsing and verifying the bundle, from the tap on
// "검증 시작" to the verdict. Prints one JSON object on stdout.
//
//   node web/scripts/verify-bench.mjs BUNDLE.json [runs]
import { readFileSync } from 'node:fs';
import { extname, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_FLAGS } from '../e2e/chromium.mjs';

const [bundlePath, runsArg] = process.argv.slice(2);
if (!bundlePath) {
  process.stderr.write('usage: node web/scripts/verify-bench.mjs BUNDLE.json [runs]\n');
  process.exit(2);
}
const RUNS = Number(runsArg || 3);
const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/web');
// A loopback origin is a secure context (WebCrypto needs one); nothing
// listens there: Playwright answers every request.
const ORIGIN = 'http://127.0.0.1:9';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

const bundleText = readFileSync(bundlePath, 'utf8');
const proof = JSON.parse(bundleText);
const id = proof.eventId;
const day = proof.drawnAt.slice(0, 10);
const event = {
  eventId: id, eventName: '검증 벤치', description: '', prize: '경품', startDate: day, endDate: day, status: 'ENDED',
  imageUrl: '', poster: null, storeName: '벤치 가게', drawCommitment: proof.seedCommitment, timeZone: 'Asia/Seoul',
  eligibility: '누구나', announcementDate: day, winnerCount: proof.winnerCount, retentionDays: 30, drawnAt: proof.drawnAt,
};
const results = {
  eventId: id, drawn: true, drawnAt: proof.drawnAt, algorithm: proof.algorithm, totalParticipants: proof.totalEntries,
  winnerCount: proof.winnerCount,
  // As EventResultsGet publishes them: each substitution's replacement
  // holds the disqualified winner's rank.
  winners: proof.winners.map((w) => {
    const sub = proof.substitutions.findLast((s) => s.rank === w.rank);
    const holder = sub ? sub.replacement : w.participantId;
    return { rank: w.rank, name: '김*수', phoneNumber: '010-****-0000', entryTail: holder.slice(-4), substitute: !!sub };
  }),
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
await page.route(`${ORIGIN}/**`, (route) => {
  const path = new URL(route.request().url()).pathname;
  const api = `/api/v1/public/events/${id}`;
  if (path === api) return route.fulfill({ json: event });
  if (path === `${api}/results`) return route.fulfill({ json: results });
  if (path === `${api}/draw-proof`) return route.fulfill({ status: 200, contentType: 'application/json', body: bundleText });
  if (path === `${api}/views`) return route.fulfill({ status: 204 });
  const file = path === `/e/${id}/result` ? 'result.html' : path.slice(1);
  try {
    return route.fulfill({ status: 200, contentType: TYPES[extname(file)] || 'application/octet-stream', body: readFileSync(join(WEB, file)) });
  } catch {
    return route.fulfill({ status: 404, body: 'not found' });
  }
});

const times = [];
let verdict = '';
for (let run = 0; run < RUNS; run++) {
  await page.goto(`${ORIGIN}/e/${id}/result`);
  const start = page.getByRole('button', { name: '검증 시작' });
  await start.waitFor();
  const t0 = Date.now();
  await start.click();
  await page.getByText(/^검증 (완료|실패)$/).first().waitFor({ timeout: 120_000 });
  times.push(Date.now() - t0);
  verdict = (await page.getByText(/^검증 (완료|실패)$/).first().innerText()).trim();
  if (verdict !== '검증 완료') process.stderr.write(`[verify-bench] the page says: ${(await page.locator('main').innerText()).split('처음 발견한 불일치:')[1]?.trim().split('\n')[0]}\n`);
  process.stderr.write(`[verify-bench] run ${run + 1}: ${times.at(-1)} ms, ${verdict}\n`);
}
await browser.close();
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ entries: proof.entries.length, runs: times, medianMs: sorted[Math.floor(sorted.length / 2)], verdict }) + '\n');
