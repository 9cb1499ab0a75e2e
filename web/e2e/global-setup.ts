// Starts the real stack once for the whole run (stack.mjs) and seeds, through
// the HTTP API only, one event per state the pages have. Tests read what was
// seeded from E2E_STATE (env set here reaches the workers) and tear-down is
// the function returned.
import type { FullConfig } from '@playwright/test';
import { Api, seoulDate, uniquePhone } from './api.mjs';
import { startStack } from './stack.mjs';

export type Seeded = {
  origin: string;
  owner: { accessToken: string; userId: string; storeId: string; email: string; password: string };
  events: {
    open: string; // live, entries welcome, never drawn (entry page open; results before the draw)
    notStarted: string; // starts tomorrow
    ended: string; // ended by the owner, not drawn
    drawn: string; // live entries, then winners drawn (entry page after the draw; results)
    views: string; // only the analytics test opens it
    draft: string; // plan, poster and channels chosen, never published (the funnel's steps 2-7)
    verified: string; // live, entries need a phone verified by SMS code (verifyPhone)
  };
  /** The channel simulator's root: GET /_sim/messages?to=... reads the SMS sent. */
  sim: string;
  drawn: { winnerId: string; loserId: string };
};

export default async function globalSetup(_config: FullConfig) {
  const t0 = Date.now();
  const stack = await startStack({ name: 'e2e' });
  try {
    const api = new Api(stack.origin);
    const owner = await api.registerOwner('e2e');
    const live = { startDate: seoulDate(0), endDate: seoulDate(7), winnerCount: 3 };
    // Sequential: the built-in planner and renderer share 2 cores with the
    // devhost; in parallel the jobs only queue behind each other.
    const open = await api.publishedEvent(owner, live);
    const notStarted = await api.publishedEvent(owner, { ...live, startDate: seoulDate(1), endDate: seoulDate(8) });
    const ended = await api.publishedEvent(owner, live);
    const drawn = await api.publishedEvent(owner, live);
    // NAVER only: a share kit, no remote metrics, so every view it shows is a page view.
    const views = await api.publishedEvent(owner, { ...live, channels: ['NAVER'] });
    const verified = await api.publishedEvent(owner, { ...live, verifyPhone: true });
    await api.end(ended, owner);
    const draft = await api.readyDraft(owner, live);

    const names = ['김하늘', '이서준', '박지민', '최유나', '정민호', '강수빈', '조예린', '윤도현', '장서연', '임지후'];
    const entries: string[] = [];
    const { code } = await api.visitCode(drawn, owner); // every third entrant was in the store
    for (const [i, name] of names.entries()) {
      const e = await api.enter(drawn, { name, phoneNumber: uniquePhone(), visitCode: i % 3 === 0 ? code : '', source: 'INSTAGRAM' });
      entries.push(e.participantId);
    }
    const d = await api.draw(drawn, owner, 3);
    const winners: string[] = d.winners.map((w: { participantId: string }) => w.participantId);
    const loserId = entries.find((p) => !winners.includes(p) && !d.alternates.some((a: { participantId: string }) => a.participantId === p));
    if (!loserId || !winners[0]) throw new Error(`draw: ${JSON.stringify(d)}`);

    // Fold the entries into the figures once (StatsRollup, fired through the
    // devhost's admin API), so the console's dashboard and analytics have them.
    await rollUp(api, stack.origin, owner.accessToken, drawn);

    const seeded: Seeded = {
      origin: stack.origin,
      owner,
      events: { open, notStarted, ended, drawn, views, draft, verified },
      sim: stack.env.MESSAGING_SMS_BASE_URL ?? '',
      drawn: { winnerId: winners[0], loserId },
    };
    process.env.E2E_STATE = JSON.stringify(seeded);
    process.stderr.write(`[stack] seeded ${Object.keys(seeded.events).length} events in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return async () => {
    await stack.stop();
  };
}

/** Fires StatsRollup until the event's channel figures count its entries. */
async function rollUp(api: Api, origin: string, token: string, eventId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const fire = await fetch(`${origin}/admin/functions/StatsRollup`, { method: 'POST', body: '{"input":""}' });
    if (fire.status !== 202) throw new Error(`StatsRollup: ${fire.status} ${await fire.text()}`);
    const r = await api.call('GET', `/events/${eventId}/analytics/channels`, undefined, token);
    const channels: { metrics: { participants: number } }[] = r.status === 200 ? r.body.channels : [];
    if (channels.reduce((n, c) => n + c.metrics.participants, 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`StatsRollup: no figures for ${eventId} within 30 s: ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
