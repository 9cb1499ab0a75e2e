// Every state of both pages: axe (WCAG 2.1 A/AA) finds nothing serious or
// critical, nothing scrolls sideways at 320 px, and with SCREENS=1 360x740
// screenshots of the state go to docs/screens/<name>.png (committed, shown
// in the README; plain runs leave the committed files alone).
import { fileURLToPath } from 'node:url';
import { test, expect, fillEntry, expectAccessible } from './fixtures';
import { uniquePhone } from './api.mjs';
import type { Locator, Page } from '@playwright/test';
import type { Seeded } from './global-setup';

const SCREENS = fileURLToPath(new URL('../../docs/screens/', import.meta.url));

/** A screenshot: the page scrolled so that `at` (if any) is `gap` px below the top. */
type Shot = { file: string; at?: (page: Page) => Locator; gap?: number };
type State = { name: string; reach: (page: Page, s: Seeded) => Promise<void>; shots: Shot[] };

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const GAP_H1 = 48; // the store's name above the event's

const states: State[] = [
  {
    name: 'entry-not-started',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.notStarted}`);
      await expect(page.getByText('응모 시작 전')).toBeVisible();
    },
    shots: [{ file: 'entry-not-started', at: h1, gap: GAP_H1 }],
  },
  {
    name: 'entry-open',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.open}?ch=INSTAGRAM`);
      await expect(page.getByRole('button', { name: '응모하기' })).toBeVisible();
    },
    shots: [{ file: 'entry-open' }, { file: 'entry-form', at: (page) => page.getByRole('heading', { name: '응모 정보 입력' }) }],
  },
  {
    name: 'entry-entered',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.open}?ch=STORE_QR`);
      await fillEntry(page, { name: '홍길동', phone: uniquePhone() });
      await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
    },
    shots: [{ file: 'entry-entered', at: (page) => page.getByRole('heading', { name: '응모 완료' }) }],
  },
  {
    name: 'entry-already-entered',
    reach: async (page, s) => {
      const phone = uniquePhone();
      await page.request.post(`/api/v1/events/${s.events.open}/participate`, {
        data: { name: '홍길동', phoneNumber: phone, agreePrivacy: true, agreeMarketing: false, storeVisited: false },
      });
      await page.goto(`/e/${s.events.open}`);
      await fillEntry(page, { name: '홍길동', phone });
      await expect(page.getByRole('heading', { name: '이미 응모하셨어요' })).toBeVisible();
    },
    shots: [{ file: 'entry-already-entered', at: (page) => page.getByRole('heading', { name: '이미 응모하셨어요' }) }],
  },
  {
    name: 'entry-ended',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.ended}`);
      await expect(page.getByText(/응모가 종료되었어요/)).toBeVisible();
    },
    shots: [{ file: 'entry-ended', at: h1, gap: GAP_H1 }],
  },
  {
    name: 'entry-drawn',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.drawn}`);
      await expect(page.getByText('당첨자가 발표되었어요.')).toBeVisible();
    },
    shots: [{ file: 'entry-drawn', at: h1, gap: GAP_H1 }],
  },
  {
    name: 'result-before-draw',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.open}/result`);
      await expect(page.getByRole('heading', { name: '아직 추첨 전이에요' })).toBeVisible();
    },
    shots: [{ file: 'result-before-draw' }],
  },
  {
    name: 'result-verified',
    reach: async (page, s) => {
      await page.goto(`/e/${s.events.drawn}/result`);
      await expect(page.getByRole('heading', { name: '검증 완료' })).toBeVisible({ timeout: 20_000 });
    },
    shots: [{ file: 'result-winners' }, { file: 'result-verified', at: (page) => page.getByRole('heading', { name: '추첨 검증' }) }],
  },
  {
    name: 'result-failed',
    reach: async (page, s) => {
      await page.route('**/draw-proof*', async (route) => {
        const resp = await route.fetch();
        const proof = await resp.json();
        proof.entries[0].weight += 1;
        await route.fulfill({ response: resp, json: proof });
      });
      await page.goto(`/e/${s.events.drawn}/result`);
      await expect(page.getByRole('heading', { name: '검증 실패' })).toBeVisible({ timeout: 20_000 });
    },
    shots: [{ file: 'result-failed', at: (page) => page.getByRole('heading', { name: '추첨 검증' }) }],
  },
];

/** Every image has arrived (the poster is what LCP and the screenshot show). */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
}

for (const st of states) {
  test(`${st.name}: axe clean, no sideways scroll at 320 px${process.env.SCREENS ? ', screenshot' : ''}`, async ({ page, seeded }) => {
    await st.reach(page, seeded);
    await settle(page);
    await expectAccessible(page, st.name);
    if (process.env.SCREENS) {
      for (const shot of st.shots) {
        if (shot.at) await shot.at(page).evaluate((el, gap) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - gap), shot.gap ?? 16);
        else await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${SCREENS}${shot.file}.png`, animations: 'disabled', caret: 'hide' });
      }
    }
    await page.setViewportSize({ width: 320, height: 740 });
    await page.evaluate(() => new Promise(requestAnimationFrame)); // one layout at the new width
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${st.name}: page is ${width} px wide at a 320 px viewport`).toBeLessThanOrEqual(320);
  });
}
