// The view beacon: a page opened from a channel's link is counted for that
// channel, all the way to the owner's analytics.
import { test, expect } from './fixtures';

test('the view beacon reaches analytics for the channel of the link', async ({ page, seeded, api, baseURL }) => {
  const id = seeded.events.views;
  const beacon = page.waitForResponse((r) => r.url().endsWith(`/public/events/${id}/views`) && r.request().method() === 'POST');
  await page.goto(`/e/${id}?ch=KAKAO`);
  const resp = await beacon;
  expect(resp.status()).toBe(204);
  expect(JSON.parse(resp.request().postData() ?? '{}')).toMatchObject({ ch: 'KAKAO' });

  // StatsRollup folds the counted views; fire it by hand (devhost admin API)
  // until the figures show them.
  type Channel = { channel: string; metrics: { views: number } };
  let channels: Channel[] = [];
  await expect
    .poll(
      async () => {
        const fire = await fetch(`${baseURL}/admin/functions/StatsRollup`, { method: 'POST', body: '{"input":""}' });
        expect(fire.status).toBe(202);
        const r = await api.call('GET', `/events/${id}/analytics/channels`, undefined, seeded.owner.accessToken);
        channels = r.status === 200 ? (r.body.channels as Channel[]) : [];
        return channels.find((c) => c.channel === 'KAKAO')?.metrics.views ?? 0;
      },
      { timeout: 30_000, intervals: [500, 1000] },
    )
    .toBeGreaterThanOrEqual(1);
  // Only that channel: the event's own channel (NAVER, a share kit with no
  // remote metrics) and any other saw no page view.
  // One page load, one view (the beacon is sent once per load).
  expect(channels.find((c) => c.channel === 'KAKAO')?.metrics.views).toBe(1);
  expect(channels.map((c) => c.channel)).toContain('NAVER');
  for (const c of channels) if (c.channel !== 'KAKAO') expect(c.metrics.views, c.channel).toBe(0);
});
