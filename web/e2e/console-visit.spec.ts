// The console's event page shows today's store visit code, and its store QR
// code and counter poster carry it (VisitCodeGet's qrUrl, with v).
import { test, expect } from './fixtures';

test('the event page shows today\'s store visit code and puts it in the store QR and the poster', async ({ page, seeded, api }) => {
  const id = seeded.events.open;
  const r = await api.must('POST', '/users/login', { email: seeded.owner.email, password: seeded.owner.password });
  const session = {
    userId: r.userId, storeId: r.storeId, name: r.name ?? '', accessToken: r.accessToken, refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
  };
  await page.addInitScript((v) => sessionStorage.setItem('eventmkt.console.session', v), JSON.stringify(session));
  const visit = await api.visitCode(id, { ...seeded.owner, accessToken: r.accessToken });

  await page.goto(`/app/events/${id}`);
  const card = page.locator('section').filter({ has: page.getByRole('heading', { name: '오늘의 매장 방문 코드' }) });
  await expect(card).toContainText(visit.code);
  await expect(card).toContainText('하루만 쓸 수 있어요');
  await expect(card).toContainText('매일 자정');
  // The store QR code's link carries the code; the other channels' do not.
  await expect(page.getByText(visit.qrUrl, { exact: true })).toBeVisible();
  await expect(page.getByRole('img', { name: '매장 QR 응모 페이지로 가는 QR 코드' }).first()).toBeVisible();
  await expect(page.getByText(/\?ch=INSTAGRAM$/)).toBeVisible();
  // The counter poster: the same QR code, valid today only.
  const poster = page.locator('#poster');
  await expect(poster).toContainText('하루만 유효한 QR 코드예요');
  await expect(poster).toContainText(visit.code);
  await expect(page.getByText('매일 아침 새로 인쇄해 주세요')).toBeVisible();
});
