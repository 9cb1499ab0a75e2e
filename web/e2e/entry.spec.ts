// The entry page /e/{eventId} in each of its states, driven only by
// accessible names and roles, against the real stack.
import { test, expect, fillEntry } from './fixtures';
import { seoulDate, uniquePhone } from './api.mjs';

/** 2026-12-02 -> 2026년 12월 2일, as the page writes dates. */
const korean = (ymd: string) => {
  const [y, m, d] = ymd.split('-').map(Number);
  return `${y}년 ${m}월 ${d}일`;
};

test('a customer from an Instagram link enters and sees 응모 완료 with the entry number', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const pub = await api.must('GET', `/public/events/${id}`);
  await page.goto(`/e/${id}?ch=INSTAGRAM`);
  await expect(page.getByRole('heading', { level: 1, name: pub.eventName })).toBeVisible();
  // The web-sized poster, with its size given so nothing shifts, has loaded.
  const poster = page.getByRole('img', { name: `${pub.eventName} 포스터` });
  await expect(poster).toHaveAttribute('width', String(pub.poster.width));
  await expect(poster).toHaveAttribute('height', String(pub.poster.height));
  await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  const phone = uniquePhone();
  const sent = page.waitForResponse((r) => r.url().endsWith(`/events/${id}/participate`) && r.request().method() === 'POST');
  await fillEntry(page, { name: '홍길동', phone, email: 'gildong@example.com' }, false);
  // Typed as digits only, the field shows the hyphens.
  await expect(page.getByLabel('휴대폰 번호')).toHaveValue(phone);
  await page.getByRole('button', { name: '응모하기' }).click();
  const resp = await sent;
  expect(resp.status()).toBe(201);
  const { participantId } = (await resp.json()) as { participantId: string };
  await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
  await expect(page.getByText(participantId)).toBeVisible();
  await expect(page.getByRole('link', { name: '결과 페이지 보기' })).toHaveAttribute('href', new RegExp(`/e/${id}/result`));
  // The entry is the customer's and is credited to the channel of the link.
  const entry = await api.must('GET', `/events/${id}/participants/${participantId}`, undefined, seeded.owner.accessToken);
  // (The owner's view masks it: 홍*동, 010-****-1234.)
  expect(entry).toMatchObject({ name: '홍*동', source: 'INSTAGRAM', agreePrivacy: true, agreeMarketing: false });
  expect(entry.phoneNumber).toMatch(new RegExp(`${phone.slice(-4)}$`));
});

test('the same phone again is shown as already entered, not as an error', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const phone = uniquePhone();
  await api.enter(id, { name: '김철수', phoneNumber: phone });
  await page.goto(`/e/${id}?ch=KAKAO`);
  const sent = page.waitForResponse((r) => r.url().endsWith(`/events/${id}/participate`));
  await fillEntry(page, { name: '김철수', phone });
  expect((await sent).status()).toBe(409);
  await expect(page.getByRole('heading', { name: '이미 응모하셨어요' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('an ended event is closed: no form', async ({ page, seeded }) => {
  const id = seeded.events.ended;
  await page.goto(`/e/${id}?ch=NAVER`);
  await expect(page.getByText(/응모가 종료되었어요/)).toBeVisible();
  await expect(page.getByRole('button', { name: '응모하기' })).toHaveCount(0);
  await expect(page.getByLabel('이름')).toHaveCount(0);
  await expect(page.getByRole('link', { name: '당첨자 확인하기' })).toHaveAttribute('href', new RegExp(`/e/${id}/result`));
});

test('an event that starts tomorrow says when it opens: no form yet', async ({ page, seeded }) => {
  await page.goto(`/e/${seeded.events.notStarted}`);
  await expect(page.getByText('응모 시작 전')).toBeVisible();
  await expect(page.getByText(`응모는 ${korean(seoulDate(1))}`)).toBeVisible();
  await expect(page.getByRole('button', { name: '응모하기' })).toHaveCount(0);
});

test('after the draw the entry page links to the results', async ({ page, seeded }) => {
  const id = seeded.events.drawn;
  await page.goto(`/e/${id}`);
  await expect(page.getByText('당첨자가 발표되었어요.')).toBeVisible();
  await expect(page.getByRole('button', { name: '응모하기' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: '당첨자 확인하기' })).toHaveAttribute('href', new RegExp(`/e/${id}/result`));
});

test('an unknown event says so', async ({ page }) => {
  const resp = await page.goto('/e/00000000-0000-4000-8000-000000000000');
  expect(resp?.status()).toBe(200); // the page itself; the API answers 404 and the page explains
  await expect(page.getByRole('heading', { name: '이벤트를 찾을 수 없어요' })).toBeVisible();
});

test('a network failure keeps what was typed, and sending again enters', async ({ page, seeded }) => {
  const id = seeded.events.open;
  await page.goto(`/e/${id}?ch=NAVER`);
  const phone = uniquePhone();
  await page.route('**/participate', (route) => route.abort('internetdisconnected'), { times: 1 });
  await fillEntry(page, { name: '이영희', phone });
  await expect(page.getByRole('alert')).toContainText('인터넷 연결이 불안정해서');
  await expect(page.getByLabel('이름')).toHaveValue('이영희');
  await expect(page.getByLabel('휴대폰 번호')).toHaveValue(phone);
  await expect(page.getByLabel(/^\[필수\] 개인정보 수집·이용 동의/)).toBeChecked();
  await page.getByRole('button', { name: '응모하기' }).click();
  await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
});

test('the store QR link with today\'s code gives the store-visit bonus entry', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const { code, qrUrl } = await api.visitCode(id, seeded.owner);
  expect(qrUrl).toMatch(new RegExp(`/e/${id}\\?ch=STORE_QR&v=${code}$`));
  await page.goto(`/e/${id}?ch=STORE_QR&v=${code}`);
  await expect(page.getByRole('status').filter({ hasText: '매장 방문이 확인됐어요' })).toBeVisible();
  await expect(page.getByLabel('매장 방문 코드 (선택)')).toHaveCount(0);
  const sent = page.waitForResponse((r) => r.url().endsWith(`/events/${id}/participate`));
  await fillEntry(page, { name: '박민수', phone: uniquePhone() });
  const resp = await sent;
  expect(resp.request().postDataJSON()).toMatchObject({ visitCode: code, source: 'STORE_QR' });
  await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
  await expect(page.getByText('(매장 방문 보너스 포함)')).toBeVisible();
  const { participantId } = (await resp.json()) as { participantId: string };
  const entry = await api.must('GET', `/events/${id}/participants/${participantId}`, undefined, seeded.owner.accessToken);
  expect(entry).toMatchObject({ storeVisited: true, bonusEntries: 3, source: 'STORE_QR' });
});

test('a customer types the code staff told them and gets the bonus', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const { code } = await api.visitCode(id, seeded.owner);
  await page.goto(`/e/${id}?ch=INSTAGRAM`);
  const field = page.getByLabel('매장 방문 코드 (선택)');
  await expect(field).toHaveAttribute('inputmode', 'numeric');
  await field.fill(code);
  await fillEntry(page, { name: '최방문', phone: uniquePhone() });
  await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
  await expect(page.getByText('(매장 방문 보너스 포함)')).toBeVisible();
});

test('a wrong code is shown beside the field; the customer enters without the bonus, nothing retyped', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const { code } = await api.visitCode(id, seeded.owner);
  const wrong = code === '000000' ? '000001' : '000000';
  await page.goto(`/e/${id}?ch=STORE_QR&v=${wrong}`); // a stale or forged QR code
  const phone = uniquePhone();
  const refused = page.waitForResponse((r) => r.url().endsWith(`/events/${id}/participate`));
  await fillEntry(page, { name: '정틀림', phone, email: 'wrong@example.com' });
  expect((await refused).status()).toBe(400);
  const field = page.getByLabel('매장 방문 코드 (선택)');
  await expect(field).toHaveValue(wrong);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  await expect(page.getByText('매장 방문 코드가 맞지 않아요')).toBeVisible();
  await expect(page.getByLabel('이름')).toHaveValue('정틀림');
  await expect(page.getByLabel('휴대폰 번호')).toHaveValue(phone);
  const sent = page.waitForResponse((r) => r.url().endsWith(`/events/${id}/participate`));
  await page.getByRole('button', { name: '방문 코드 없이 응모하기' }).click();
  const resp = await sent;
  expect(resp.status()).toBe(201);
  expect(resp.request().postDataJSON()).not.toHaveProperty('visitCode');
  await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
  await expect(page.getByText('(매장 방문 보너스 포함)')).toHaveCount(0);
  const { participantId } = (await resp.json()) as { participantId: string };
  const entry = await api.must('GET', `/events/${id}/participants/${participantId}`, undefined, seeded.owner.accessToken);
  expect(entry).toMatchObject({ storeVisited: false, bonusEntries: 1, email: expect.stringContaining('@') });
});
