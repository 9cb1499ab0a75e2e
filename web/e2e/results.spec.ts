// The results page /e/{eventId}/result: the announcement before the draw,
// the in-browser check of the public proof bundle after it.
import { test, expect } from './fixtures';

test('before the draw: when winners are announced, and the commitment', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const pub = await api.must('GET', `/public/events/${id}`);
  await page.goto(`/e/${id}/result`);
  await expect(page.getByRole('heading', { name: '아직 추첨 전이에요' })).toBeVisible();
  await expect(page.getByText(pub.drawCommitment).first()).toBeAttached();
  await expect(page.getByRole('heading', { name: '검증 완료' })).toHaveCount(0);
});

test('after the draw the browser checks the proof: 검증 완료, winners, and 내 응모 확인 answers', async ({ page, seeded }) => {
  const id = seeded.events.drawn;
  await page.goto(`/e/${id}/result`);
  await expect(page.getByRole('heading', { name: '검증 완료' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { name: '검증 실패' })).toHaveCount(0);
  // Winners are shown masked, recognisable by the tail of the entry number.
  await expect(page.getByText(seeded.drawn.winnerId.slice(-4)).first()).toBeVisible();
  await expect(page.getByText('010-****-', { exact: false }).first()).toBeVisible();

  const box = page.getByLabel('응모 번호');
  const check = page.getByRole('button', { name: '확인', exact: true });
  for (const [entry, answer] of [
    [seeded.drawn.winnerId, '당첨'],
    [seeded.drawn.loserId, '미당첨'],
    ['20000101-999999', '응모 내역 없음'],
  ] as const) {
    await box.fill(entry);
    await check.click();
    await expect(page.getByRole('status').getByText(answer, { exact: true })).toBeVisible();
  }
});

test('a tampered bundle (one weight changed) fails the check and names the mismatch', async ({ page, seeded }) => {
  const id = seeded.events.drawn;
  await page.route('**/draw-proof*', async (route) => {
    const resp = await route.fetch();
    const proof = await resp.json();
    proof.entries[0].weight += 1;
    await route.fulfill({ response: resp, json: proof });
  });
  await page.goto(`/e/${id}/result`);
  await expect(page.getByRole('heading', { name: '검증 실패' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/^응모 목록의 지문\(/)).toBeVisible();
  await expect(page.getByRole('heading', { name: '검증 완료' })).toHaveCount(0);
});
