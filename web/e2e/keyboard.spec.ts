// The owner console's new-event funnel with the keyboard only: log in, reach
// 새 이벤트 from the dashboard, then all seven steps to a published event
// with Tab, Shift+Tab, Enter, Space and typed text. Nothing is clicked,
// checked, filled or selected through Playwright: locators only assert
// (what has focus, which heading shows). Each step change must move focus
// to the step's heading, and the focused control must show a focus ring.
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';

/**
 * Presses Tab until `target` is document.activeElement (at most `max` times);
 * fails listing every element focus went to on the way.
 */
async function tabTo(page: Page, target: Locator, max = 60) {
  await target.waitFor({ state: 'visible', timeout: 10_000 });
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const r = await target.evaluate((el) => {
      const a = document.activeElement;
      if (el === a) return { hit: true, now: '' };
      if (!a || a === document.body) return { hit: false, now: '<body> (focus lost)' };
      // What has focus, for the failure message: tag, type, role, id, name or text.
      const type = a.getAttribute('type');
      const role = a.getAttribute('role');
      const label =
        a.getAttribute('aria-label') || (a.id && document.querySelector(`label[for="${CSS.escape(a.id)}"]`)?.textContent) || a.textContent || '';
      const name = label.replace(/\s+/g, ' ').trim().slice(0, 60);
      return { hit: false, now: `<${a.tagName.toLowerCase()}${type ? ` type=${type}` : ''}${role ? ` role=${role}` : ''}${a.id ? ` id=${a.id}` : ''}> "${name}"` };
    });
    if (r.hit) return;
    seen.push(r.now);
  }
  throw new Error(`tabTo: ${target} never got focus in ${max} Tab presses; focus went to:\n  ${seen.map((s, i) => `${i + 1}. ${s}`).join('\n  ')}`);
}

/** The focused element shows where it is: an outline (not 'none', wider than 0) or a box-shadow. */
async function expectFocusRing(target: Locator) {
  await expect(target).toBeFocused();
  const s = await target.evaluate((el) => {
    const c = getComputedStyle(el);
    return { outlineStyle: c.outlineStyle, outlineWidth: c.outlineWidth, boxShadow: c.boxShadow };
  });
  const outline = s.outlineStyle !== 'none' && s.outlineWidth !== '0px';
  const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
  expect(outline || shadow, `${target} has focus but no visible indicator: ${JSON.stringify(s)}`).toBe(true);
}

/**
 * Watches, in the page, for focus lost to <body> for longer than a moment
 * (a control that had it went away and nothing took it over); `lostFocus`
 * returns each such spell with where it happened and what had focus before.
 */
async function watchFocus(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __lost: string[]; __last: string };
    w.__lost = [];
    w.__last = '';
    document.addEventListener('focusin', (e) => {
      const el = e.target as Element;
      w.__last = `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${(el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40)}"`;
    });
    let since = 0;
    let told = false;
    setInterval(() => {
      const a = document.activeElement;
      if (a && a !== document.body) {
        since = 0;
        told = false;
      } else if (!since) since = Date.now();
      else if (!told && Date.now() - since > 750) {
        told = true;
        w.__lost.push(`${location.pathname}${location.search}: focus on <body>, last on ${w.__last}`);
      }
    }, 50);
  });
}
const lostFocus = (page: Page) => page.evaluate(() => (window as unknown as { __lost: string[] }).__lost);

/** After a step change, focus is on the step's heading (NewEvent.tsx moves it there). */
async function expectStepHeading(page: Page, n: number, title: string, timeout = 10_000) {
  const h = page.getByRole('heading', { level: 2, name: `7단계 중 ${n}단계 ${title}` });
  await expect(h).toBeFocused({ timeout });
}

test('an owner creates and publishes an event with the keyboard only', async ({ page, api }) => {
  test.setTimeout(60_000); // about 6-10 s, mostly the three jobs (plans, posters, re-render)
  const owner = await api.registerOwner('keyboard');

  await test.step('log in through the form', async () => {
    await page.goto('/app/login');
    await expect(page.getByRole('heading', { level: 1, name: '로그인' })).toBeVisible();
    const email = page.getByLabel('이메일', { exact: true });
    await tabTo(page, email);
    await expectFocusRing(email);
    await page.keyboard.type(owner.email);
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('비밀번호', { exact: true })).toBeFocused();
    await page.keyboard.type(owner.password);
    const login = page.getByRole('button', { name: '로그인' });
    await tabTo(page, login);
    await expectFocusRing(login);
    await page.keyboard.press('Enter');
    // The console moves focus to the new screen's heading.
    await expect(page.getByRole('heading', { level: 1, name: '홈' })).toBeFocused();
  });

  await test.step('dashboard → 새 이벤트', async () => {
    const link = page.getByRole('link', { name: '새 이벤트' }).first();
    await tabTo(page, link);
    await expectFocusRing(link);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: '새 이벤트 만들기' })).toBeFocused();
    await watchFocus(page);
  });

  await test.step('1 objective', async () => {
    const revisit = page.getByRole('button', { name: /재방문 유도/ });
    await tabTo(page, revisit);
    await expectFocusRing(revisit);
    await page.keyboard.press('Enter');
    await expectStepHeading(page, 2, 'AI 기획안 만들기');
  });

  await test.step('2 AI plans', async () => {
    await tabTo(page, page.getByRole('button', { name: '기획안 만들기', exact: true }));
    await page.keyboard.press('Enter');
    // The built-in planner runs as a job (its progress panel holds the focus
    // the button had); when it is done the funnel moves on.
    await expectStepHeading(page, 3, '기획안을 고르고 다듬어 주세요', 30_000);
  });

  await test.step('3 choose a plan (dates keep their defaults)', async () => {
    const first = page.getByRole('radio').first();
    await tabTo(page, first);
    await expectFocusRing(first);
    await page.keyboard.press('Space');
    await expect(first).toBeChecked();
    // Picking the plan fills the name the owner may edit.
    await expect(page.getByLabel('이벤트 이름', { exact: true })).not.toHaveValue('');
    await tabTo(page, page.getByRole('button', { name: '이 기획안으로 진행' }));
    await page.keyboard.press('Enter');
    await expectStepHeading(page, 4, '포스터 만들기');
  });

  await test.step('4 posters', async () => {
    await tabTo(page, page.getByRole('button', { name: '포스터 만들기', exact: true }));
    await page.keyboard.press('Enter');
    // While the renderer runs its panel holds the focus; when the posters are
    // in, focus is on the grid's heading, and Tab walks into the posters.
    const poster = page.getByRole('button', { name: /^이 포스터 선택: 심플 카카오/ });
    await expect(poster).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('heading', { level: 3, name: '이 포스터 선택' })).toBeFocused();
    await tabTo(page, poster);
    await expectFocusRing(poster);
    await page.keyboard.press('Enter');
    await expectStepHeading(page, 5, '포스터 문구와 색상 고치기');
  });

  await test.step('5 edit the poster: a new title, re-rendered, used', async () => {
    await tabTo(page, page.getByLabel('제목', { exact: true }));
    await page.keyboard.type('키보드로 만든 스탬프 이벤트');
    // Enter in a field sends the form: re-render with the new title.
    await page.keyboard.press('Enter');
    const note = page.getByRole('status').filter({ hasText: '새 포스터를 그렸어요' });
    await expect(note).toBeFocused({ timeout: 30_000 });
    const useIt = page.getByRole('button', { name: '이 포스터로 진행' });
    await tabTo(page, useIt, 5);
    await expectFocusRing(useIt);
    await page.keyboard.press('Enter');
    await expectStepHeading(page, 6, '알릴 채널 고르기');
  });

  await test.step('6 channels', async () => {
    const insta = page.getByRole('checkbox', { name: /^인스타그램/ });
    await tabTo(page, insta);
    await expectFocusRing(insta);
    await page.keyboard.press('Space');
    await expect(insta).toBeChecked();
    const naver = page.getByRole('checkbox', { name: /^네이버/ });
    await tabTo(page, naver);
    await page.keyboard.press('Space');
    await expect(naver).toBeChecked();
    // Shift+Tab walks back into Instagram's settings, which its box opened.
    await page.keyboard.press('Shift+Tab');
    await expect(page.locator('#INSTAGRAM-tags')).toBeFocused();
    await tabTo(page, page.getByRole('button', { name: '채널 저장하고 다음으로' }));
    await page.keyboard.press('Enter');
    await expectStepHeading(page, 7, '확인하고 게시하기');
  });

  await test.step('7 review and publish', async () => {
    await expect(page.getByText('인스타그램, 네이버')).toBeVisible();
    const publish = page.getByRole('button', { name: '게시하기' });
    await tabTo(page, publish);
    await expectFocusRing(publish);
    expect(await lostFocus(page), 'focus was lost to <body> in the funnel').toEqual([]);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/events\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The console moves focus to the new screen's heading, once the event has loaded.
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  });
});
