// Every screen of the owner console, at a phone's width and at a desktop's:
// axe (WCAG 2.1 A/AA) finds nothing serious or critical, nothing scrolls
// sideways at 320 px, every control is a 44 px touch target, and with
// SCREENS=1 whole-page screenshots go to docs/screens/console-<name>-{360,1280}.png
// (committed, shown in the README; plain runs leave them alone).
//
// Each test signs in with its own session (a login through the API, put
// where the console keeps it), so parallel tests never rotate one another's
// refresh token.
import { fileURLToPath } from 'node:url';
import { test, expect, expectAccessible, expectTouchTargets } from './fixtures';
import type { Page } from '@playwright/test';
import type { Seeded } from './global-setup';
import type { Api } from './api.mjs';

const SCREENS = fileURLToPath(new URL('../../docs/screens/', import.meta.url));
const SIZES = [
  { tag: '360', width: 360, height: 740 },
  { tag: '1280', width: 1280, height: 800 },
];

type Screen = {
  name: string;
  signedIn: boolean;
  path: (s: Seeded) => string;
  ready: (page: Page) => Promise<void>;
};

const h1 = (page: Page, name: string | RegExp) => expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
const step = (page: Page, name: string) => expect(page.getByRole('heading', { level: 2, name: new RegExp(name) })).toBeVisible();

const screens: Screen[] = [
  { name: 'login', signedIn: false, path: () => '/app/login', ready: (p) => h1(p, '로그인') },
  { name: 'register', signedIn: false, path: () => '/app/register', ready: (p) => h1(p, '회원가입') },
  {
    name: 'dashboard',
    signedIn: true,
    path: () => '/app',
    ready: async (p) => {
      await h1(p, '홈');
      await expect(p.getByRole('heading', { name: /진행 중/ })).toBeVisible();
    },
  },
  {
    name: 'events',
    signedIn: true,
    path: () => '/app/events',
    ready: async (p) => {
      await h1(p, '이벤트');
      await expect(p.getByRole('link', { name: /통계를 보고 싶은|맛있는|이벤트/ }).first()).toBeVisible();
    },
  },
  { name: 'new-1-objective', signedIn: true, path: () => '/app/events/new', ready: (p) => step(p, '이벤트 목표를 골라 주세요') },
  { name: 'new-2-plans', signedIn: true, path: (s) => `/app/events/new?id=${s.events.draft}&step=2`, ready: (p) => step(p, 'AI 기획안 만들기') },
  { name: 'new-3-choose', signedIn: true, path: (s) => `/app/events/new?id=${s.events.draft}&step=3`, ready: (p) => step(p, '기획안을 고르고') },
  { name: 'new-4-posters', signedIn: true, path: (s) => `/app/events/new?id=${s.events.draft}&step=4`, ready: (p) => step(p, '포스터 만들기') },
  { name: 'new-5-edit', signedIn: true, path: (s) => `/app/events/new?id=${s.events.draft}&step=5`, ready: (p) => step(p, '포스터 문구와 색상') },
  { name: 'new-6-channels', signedIn: true, path: (s) => `/app/events/new?id=${s.events.draft}&step=6`, ready: (p) => step(p, '알릴 채널 고르기') },
  { name: 'new-7-review', signedIn: true, path: (s) => `/app/events/new?id=${s.events.draft}&step=7`, ready: (p) => step(p, '확인하고 게시하기') },
  {
    name: 'event',
    signedIn: true,
    path: (s) => `/app/events/${s.events.open}`,
    ready: async (p) => {
      await expect(p.getByRole('heading', { name: '채널 배포 현황' })).toBeVisible();
      await expect(p.getByText('모두 완료')).toBeVisible({ timeout: 60_000 });
    },
  },
  {
    name: 'participants',
    signedIn: true,
    path: (s) => `/app/events/${s.events.drawn}/participants`,
    ready: async (p) => {
      await h1(p, /참여자/);
      await expect(p.getByRole('table', { name: '참여자 목록' }).getByRole('row').nth(1)).toBeVisible();
    },
  },
  {
    name: 'draw-checklist',
    signedIn: true,
    path: (s) => `/app/events/${s.events.ended}/draw`,
    ready: async (p) => {
      await h1(p, /당첨자 추첨/);
      await expect(p.getByRole('button', { name: '추첨하기' })).toBeVisible();
    },
  },
  {
    name: 'draw-results',
    signedIn: true,
    path: (s) => `/app/events/${s.events.drawn}/draw`,
    ready: async (p) => {
      await h1(p, /당첨자 추첨/);
      await expect(p.getByRole('link', { name: '공개 결과 페이지' })).toBeVisible();
    },
  },
  {
    name: 'analytics',
    signedIn: true,
    path: (s) => `/app/events/${s.events.drawn}/analytics`,
    ready: async (p) => {
      await h1(p, /분석/);
      await expect(p.getByRole('heading', { name: /투자 대비 효과/ })).toBeVisible();
    },
  },
  {
    name: 'analytics-all',
    signedIn: true,
    path: () => '/app/analytics',
    ready: async (p) => {
      await h1(p, '전체 이벤트 분석');
      await expect(p.getByRole('heading', { name: /투자 대비 효과/ })).toBeVisible();
    },
  },
  {
    name: 'profile',
    signedIn: true,
    path: () => '/app/profile',
    ready: async (p) => {
      await h1(p, '프로필');
      await expect(p.getByLabel('매장 이름', { exact: true })).toHaveValue(/.+/);
    },
  },
];

/** Signs the page in as the seeded owner with a session of its own. */
async function signIn(page: Page, api: Api, s: Seeded) {
  const r = await api.must('POST', '/users/login', { email: s.owner.email, password: s.owner.password });
  const session = {
    userId: r.userId,
    storeId: r.storeId,
    name: r.name ?? '',
    accessToken: r.accessToken,
    refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
  };
  await page.addInitScript((v) => sessionStorage.setItem('eventmkt.console.session', v), JSON.stringify(session));
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
  await page.evaluate(() => document.fonts.ready);
}

for (const sc of screens) {
  test(`console ${sc.name}: axe clean at 360 and 1280 px, 44 px targets, no sideways scroll at 320 px`, async ({ page, seeded, api }) => {
    test.setTimeout(90_000);
    if (sc.signedIn) await signIn(page, api, seeded);
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      if (size === SIZES[0]) await page.goto(sc.path(seeded));
      await sc.ready(page);
      await settle(page);
      await expectAccessible(page, `${sc.name} at ${size.width} px`);
      await expectTouchTargets(page, `${sc.name} at ${size.width} px`);
      if (process.env.SCREENS) {
        await page.evaluate(() => window.scrollTo(0, 0));
        // A whole-page shot paints a fixed bar where the first screen ends:
        // pin the phone's bottom bar to the page's end instead, for the shot.
        // (CSSOM, which the pages' CSP allows, where a style tag is refused.)
        const pin = (on: boolean) =>
          page.evaluate((on) => {
            document.body.style.position = on ? 'relative' : '';
            document.querySelector<HTMLElement>('.nav')?.style.setProperty('position', on ? 'absolute' : '');
          }, on);
        await pin(true);
        await page.screenshot({ path: `${SCREENS}console-${sc.name}-${size.tag}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
        await pin(false);
      }
    }
    await page.setViewportSize({ width: 320, height: 740 });
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${sc.name}: page is ${width} px wide at a 320 px viewport`).toBeLessThanOrEqual(320);
  });
}
