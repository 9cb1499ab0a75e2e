// The owner console against the real stack, driven by accessible names only:
// one owner's whole event, from sign-up to log-out, as the issue lists it;
// a reload in the middle of the funnel; a session revoked behind the tab.
import type { Page } from '@playwright/test';
import { test, expect, fillEntry } from './fixtures';
import { seoulDate, uniquePhone } from './api.mjs';

/** Signs a new owner up through the register form and lands on the dashboard. */
async function registerOwner(page: Page, tag: string) {
  const n = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  const email = `${tag}-${n}@example.com`;
  await page.goto('/app/register');
  await page.getByLabel('이름', { exact: true }).fill('김사장');
  await page.getByLabel('휴대폰 번호', { exact: true }).pressSequentially(`010${n}`);
  await page.getByLabel('이메일', { exact: true }).fill(email);
  await page.getByLabel('비밀번호', { exact: true }).fill('pass-word-1!');
  await page.getByLabel('비밀번호 확인', { exact: true }).fill('pass-word-1!');
  await page.getByLabel('매장 이름', { exact: true }).fill('민수네 카페');
  await page.getByLabel('업종', { exact: true }).selectOption('카페·디저트');
  await page.getByLabel('매장 주소', { exact: true }).fill('서울 강남구 테헤란로 1');
  await page.getByRole('button', { name: '가입하기' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '홈' })).toBeVisible();
  return { email, password: 'pass-word-1!' };
}

/** Funnel steps 1-3: objective, AI plans (built-in planner), the first plan with live dates. */
async function createDraftWithPlan(page: Page) {
  await page.getByRole('link', { name: '새 이벤트' }).first().click();
  // A double click on the objective creates one draft (checked after publishing).
  await page.getByRole('button', { name: /재방문 유도/ }).dblclick();
  await page.getByRole('button', { name: '기획안 만들기' }).click();
  await page.getByRole('radio').first().check({ timeout: 60_000 });
  await page.getByLabel('시작일', { exact: true }).fill(seoulDate(0));
  await page.getByLabel('종료일', { exact: true }).fill(seoulDate(7));
  await page.getByRole('button', { name: '이 기획안으로 진행' }).click();
  await expect(page.getByRole('heading', { name: '포스터 만들기' })).toBeVisible();
}

test('an owner runs an event from sign-up to log-out in the console', async ({ page, browser, baseURL, api }) => {
  test.setTimeout(240_000);
  const creds = await registerOwner(page, 'journey');

  await test.step('create the event in the funnel: plans, posters, channels, publish', async () => {
    await createDraftWithPlan(page);
    await page.getByRole('button', { name: '포스터 만들기' }).click();
    // Choosing a poster moves on to editing it.
    await page.getByRole('button', { name: /^이 포스터 선택: 심플 카카오/ }).click({ timeout: 90_000 });
    await expect(page.getByRole('heading', { name: '포스터 문구와 색상 고치기' })).toBeVisible();
    await page.getByRole('button', { name: '다음 단계' }).click();
    await page.getByRole('checkbox', { name: /^인스타그램/ }).check();
    await page.getByRole('checkbox', { name: /^네이버/ }).check();
    await page.getByRole('button', { name: '채널 저장하고 다음으로' }).click();
    await expect(page.getByRole('heading', { name: '확인하고 게시하기' })).toBeVisible();
    // A double click publishes once: the page moves on to the event.
    await page.getByRole('button', { name: '게시하기' }).dblclick();
    await page.waitForURL(/\/app\/events\/[0-9a-f-]{36}$/);
  });
  const id = new URL(page.url()).pathname.split('/').pop()!;
  await test.step('one event, whatever was double-clicked', async () => {
    const owner = await api.must('POST', '/users/login', creds);
    const list = await api.must('GET', '/events?size=100', undefined, owner.accessToken);
    expect(list.content.map((e: { eventId: string }) => e.eventId)).toEqual([id]);
  });

  await test.step('channels settle in the simulator, live on the event page', async () => {
    await expect(page.getByText('모두 완료')).toBeVisible({ timeout: 90_000 });
    await expect(page.getByRole('img', { name: /STORE_QR|매장/ }).first()).toBeVisible();
  });

  await test.step('a customer enters through /e/{id} from Instagram', async () => {
    const customer = await browser.newPage();
    await customer.goto(`${baseURL}/e/${id}?ch=INSTAGRAM`);
    await fillEntry(customer, { name: '이서준', phone: uniquePhone() });
    await expect(customer.getByRole('heading', { name: '응모 완료' })).toBeVisible();
    await customer.close();
  });

  await test.step('the entry shows in participants, masked', async () => {
    await page.getByRole('link', { name: '참여자', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: '참여자' })).toBeVisible();
    await expect(page.getByRole('table', { name: '참여자 목록' }).getByText('이*준')).toBeVisible();
  });

  await test.step('draw once; winners shown', async () => {
    await page.goto(`/app/events/${id}/draw`);
    await page.getByLabel('당첨자 수', { exact: true }).fill('1');
    await page.getByLabel('예비 당첨자 수', { exact: true }).fill('0');
    await page.getByRole('checkbox', { name: /되돌릴 수 없다는 것을 확인했어요/ }).check();
    await page.getByRole('button', { name: '추첨하기' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '추첨 시작' }).dblclick();
    await expect(page.getByText('추첨을 마쳤어요.')).toBeVisible();
    await expect(page.getByText('이*준')).toBeVisible();
  });

  await test.step('tell the winner: one AlimTalk through the simulator, 보냄 on the screen', async () => {
    const winners = page.getByRole('list', { name: '당첨자', exact: true });
    await expect(winners.getByText('알림: 알리기 전')).toBeVisible();
    await page.getByRole('button', { name: '당첨자에게 알리기' }).click();
    const ask = page.getByRole('dialog');
    await expect(ask.getByText(/당첨자 1명에게 카카오 알림톡으로/)).toBeVisible();
    await ask.getByRole('button', { name: '알림 보내기' }).dblclick();
    await expect(page.getByText('당첨자 1명에게 알림을 보내고 있어요.')).toBeVisible();
    // WinnerNotify runs on the devhost's winner-notify queue; the screen re-reads until it is sent.
    await expect(winners.getByText('알림: 보냄 (알림톡)')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('button', { name: '당첨자에게 알리기' })).toHaveAttribute('aria-disabled', 'true');
  });

  await test.step('the public results page verifies', async () => {
    const results = await browser.newPage();
    await results.goto(`${baseURL}/e/${id}/result`);
    await expect(results.getByText('검증 완료', { exact: true })).toBeVisible({ timeout: 30_000 });
    await results.close();
  });

  await test.step('analytics show the entry under Instagram', async () => {
    // StatsRollup folds the entry; fire it by hand (devhost admin API) until
    // the figures have it, then read them as the owner does, on the page.
    const owner = await api.must('POST', '/users/login', creds);
    type Channel = { channel: string; metrics: { participants: number } };
    await expect
      .poll(
        async () => {
          await fetch(`${baseURL}/admin/functions/StatsRollup`, { method: 'POST', body: '{"input":""}' });
          const r = await api.call('GET', `/events/${id}/analytics/channels`, undefined, owner.accessToken);
          const channels = r.status === 200 ? (r.body.channels as Channel[]) : [];
          return channels.find((c) => c.channel === 'INSTAGRAM')?.metrics.participants ?? 0;
        },
        { timeout: 30_000, intervals: [500, 1000] },
      )
      .toBe(1);
    await page.goto(`/app/events/${id}/analytics`);
    const row = page.getByRole('table', { name: /채널별/ }).getByRole('row', { name: /인스타그램/ });
    await expect(row.getByRole('cell').nth(1)).toHaveText('1'); // views, then participants
  });

  await test.step('log out', async () => {
    await page.goto('/app/profile');
    await page.getByRole('button', { name: '로그아웃' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '로그아웃' }).click();
    await expect(page.getByRole('heading', { level: 1, name: '로그인' })).toBeVisible();
    await page.goto('/app/events');
    await expect(page.getByRole('heading', { level: 1, name: '로그인' })).toBeVisible();
  });
});

test('a reload in the middle of the funnel resumes the same step', async ({ page }) => {
  test.setTimeout(120_000);
  await registerOwner(page, 'reload');
  await createDraftWithPlan(page);
  const before = page.url();
  expect(before).toMatch(/[?&]id=/);
  await page.reload();
  await expect(page.getByRole('heading', { name: '포스터 만들기' })).toBeVisible();
  expect(page.url()).toBe(before);
  // Back returns to the plan the owner chose, still chosen.
  await page.getByRole('button', { name: '이전 단계' }).click();
  await expect(page.getByRole('radio').first()).toBeChecked();
});

test('a session revoked behind the tab lands on login, then back where the owner was', async ({ page, api }) => {
  const { email, password } = await registerOwner(page, 'revoked');
  await page.goto('/app/events?status=PUBLISHED');
  await expect(page.getByRole('heading', { level: 1, name: '이벤트' })).toBeVisible();
  // Every session of the owner ends elsewhere (a password change revokes the others).
  const session = await api.must('POST', '/users/login', { email, password });
  await api.must('PUT', '/users/password', { currentPassword: password, newPassword: 'pass-word-2!' }, session.accessToken);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: '로그인' })).toBeVisible();
  await page.getByLabel('이메일', { exact: true }).fill(email);
  await page.getByLabel('비밀번호', { exact: true }).fill('pass-word-2!');
  await page.getByRole('button', { name: '로그인' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '이벤트' })).toBeVisible();
  expect(new URL(page.url()).search).toBe('?status=PUBLISHED');
});

test('a network failure keeps what the owner typed', async ({ page }) => {
  const n = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  await page.goto('/app/register');
  const typed = { '이름': '박사장', '이메일': `offline-${n}@example.com`, '비밀번호': 'pass-word-1!', '비밀번호 확인': 'pass-word-1!', '매장 이름': '오프라인 빵집', '매장 주소': '부산 해운대구 1' };
  for (const [label, v] of Object.entries(typed)) await page.getByLabel(label, { exact: true }).fill(v);
  await page.getByLabel('휴대폰 번호', { exact: true }).pressSequentially(`010${n}`);
  await page.getByLabel('업종', { exact: true }).selectOption('베이커리');
  await page.route('**/api/v1/users/register', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: '가입하기' }).click();
  await expect(page.getByRole('alert')).toContainText('인터넷에 연결할 수 없어요');
  for (const [label, v] of Object.entries(typed)) await expect(page.getByLabel(label, { exact: true })).toHaveValue(v);
  // Back online, the same form goes through.
  await page.unroute('**/api/v1/users/register');
  await page.getByRole('button', { name: '가입하기' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '홈' })).toBeVisible();
});
