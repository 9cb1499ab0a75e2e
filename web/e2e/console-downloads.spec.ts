// The console's downloads come from Blob storage through short-lived SAS
// links (the Azure Functions host buffers whole answers): the participants
// CSV and the draw proof are saved as files, the console stays on its page.
import type { Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { test, expect } from './fixtures';

test('the participants CSV and the draw proof download from Blob through their links', async ({ page, seeded, api }) => {
  const id = seeded.events.drawn;
  const r = await api.must('POST', '/users/login', { email: seeded.owner.email, password: seeded.owner.password });
  const session = {
    userId: r.userId, storeId: r.storeId, name: r.name ?? '', accessToken: r.accessToken, refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
  };
  await page.addInitScript((v) => sessionStorage.setItem('eventmkt.console.session', v), JSON.stringify(session));
  const app = new URL(seeded.origin).origin;

  const saved = async (p: Page, click: () => Promise<void>) => {
    const [download] = await Promise.all([p.waitForEvent('download'), click()]);
    const url = new URL(download.url());
    expect(url.origin).not.toBe(app); // not through the function: from Blob
    expect(url.searchParams.get('sp')).toBe('r');
    expect(url.searchParams.get('se')).toBeTruthy();
    return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
  };

  await page.goto(`/app/events/${id}/participants`);
  const csv = await saved(page, () => page.getByRole('button', { name: 'CSV 내려받기' }).click());
  expect(csv.name).toBe(`participants-${id}.csv`);
  expect(csv.text.startsWith('\uFEFF참여번호,이름,전화번호')).toBe(true);
  expect(csv.text).toContain(seeded.drawn.winnerId);
  await expect(page).toHaveURL(new RegExp(`/app/events/${id}/participants$`));
  await expect(page.getByText('CSV 파일을 내려받았어요.')).toBeVisible();

  await page.goto(`/app/events/${id}/draw`);
  const proof = await saved(page, () => page.getByRole('link', { name: '추첨 검증 자료 (JSON)' }).click());
  expect(proof.name).toBe(`draw-proof-${id}.json`);
  expect(JSON.parse(proof.text).eventId).toBe(id);
  await expect(page).toHaveURL(new RegExp(`/app/events/${id}/draw$`));
});
