// @ts-check
// Seeds the stack through its real HTTP API only, the way the owner console
// and a customer would: register, create an event, let the built-in planner
// and poster renderer run through the queues, pick a plan with dates, pick a
// poster, pick channels, publish; then entries, end and draw as needed.
// Plain JavaScript so web/scripts/lighthouse.mjs can seed with node alone.

/** @typedef {{ accessToken: string, userId: string, storeId: string, email: string, password: string }} Owner */

export class Api {
  /** @param {string} origin e.g. http://127.0.0.1:7071 */
  constructor(origin) {
    this.base = origin + '/api/v1';
  }

  /**
   * @param {string} method @param {string} path @param {unknown} [body] @param {string} [token]
   * @returns {Promise<{status: number, body: any, headers: Headers}>}
   */
  async call(method, path, body, token) {
    /** @type {Record<string,string>} */
    const headers = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = 'Bearer ' + token;
    const r = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: r.status, body: parsed, headers: r.headers };
  }

  /**
   * Like call, but the status must be one of want (any 2xx when none).
   * @param {string} method @param {string} path @param {unknown} [body] @param {string} [token] @param {...number} want
   * @returns {Promise<any>} the decoded body
   */
  async must(method, path, body, token, ...want) {
    const r = await this.call(method, path, body, token);
    const ok = want.length ? want : [200, 201, 202, 204];
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** @param {string} tag unique per owner @returns {Promise<Owner>} */
  async registerOwner(tag) {
    const n = String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
    const email = `owner-${tag}-${n}@example.com`;
    const password = 'Str0ng!Passw0rd';
    const body = await this.must('POST', '/users/register', {
      name: '김민수',
      phoneNumber: `010-${n.slice(0, 4)}-${n.slice(4)}`,
      email,
      password,
      storeName: '민수네 카페',
      industry: '카페',
      address: '서울 강남구 테헤란로 1',
      businessHours: '월-금 11:00-22:00',
    });
    return { accessToken: body.accessToken, userId: body.userId, storeId: body.storeId, email, password };
  }

  /** Polls a job until it completes (the devhost runs it from the queue). */
  async waitJob(/** @type {string} */ jobId, /** @type {string} */ token, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const j = await this.must('GET', `/jobs/${jobId}`, undefined, token);
      if (j.status === 'COMPLETED') return j;
      if (j.status === 'FAILED') throw new Error(`job ${jobId} failed: ${JSON.stringify(j)}`);
      if (Date.now() > deadline) throw new Error(`job ${jobId} not done within ${timeoutMs} ms: ${JSON.stringify(j)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * Runs the wizard to a published event.
   * @param {Owner} owner
   * @param {{ startDate: string, endDate: string, winnerCount?: number, channels?: string[], verifyPhone?: boolean }} o
   * @returns {Promise<string>} the event id
   */
  async publishedEvent(owner, o) {
    const id = await this.readyDraft(owner, o);
    await this.must('POST', `/events/${id}/publish`, undefined, owner.accessToken);
    return id;
  }

  /**
   * Runs the wizard up to publishing: a draft with a plan, a poster and channels.
   * @param {Owner} owner
   * @param {{ startDate: string, endDate: string, winnerCount?: number, channels?: string[], verifyPhone?: boolean }} o
   * @returns {Promise<string>} the event id
   */
  async readyDraft(owner, o) {
    const t = owner.accessToken;
    const ev = await this.must('POST', '/events/objectives', { objective: 'NEW_CUSTOMERS' }, t);
    const id = ev.eventId;
    const plan = await this.must('POST', `/events/${id}/ai-recommendations`, { region: '서울 강남구', budget: 1000000 }, t);
    await this.waitJob(plan.jobId, t);
    const full = await this.must('GET', `/events/${id}`, undefined, t);
    const recID = full.recommendations[0].recommendationId;
    await this.must('PUT', `/events/${id}/recommendations`, { recommendationId: recID, startDate: o.startDate, endDate: o.endDate }, t);
    if (o.winnerCount) await this.must('PUT', `/events/${id}`, { winnerCount: o.winnerCount }, t);
    if (o.verifyPhone) await this.must('PUT', `/events/${id}`, { verifyPhone: true }, t);
    const img = await this.must('POST', `/events/${id}/images`, { styles: ['SIMPLE'], platforms: ['INSTAGRAM'] }, t);
    await this.waitJob(img.jobId, t);
    const images = await this.must('GET', `/events/${id}/images`, undefined, t);
    await this.must('PUT', `/events/${id}/images/${images[0].imageId}/select`, undefined, t);
    await this.must('PUT', `/events/${id}/channels`, { channels: o.channels ?? ['INSTAGRAM', 'NAVER', 'KAKAO'] }, t);
    return id;
  }

  /**
   * Today's store visit code of an event (VisitCodeGet, owner only).
   * @param {string} eventId @param {Owner} owner
   * @returns {Promise<{ code: string, qrUrl: string, validOn: string, validUntil: string }>}
   */
  async visitCode(eventId, owner) {
    return this.must('GET', `/events/${eventId}/visit-code`, undefined, owner.accessToken);
  }

  /**
   * One entry as the entry page sends it; a store visit is today's visit code.
   * @param {string} eventId
   * @param {{ name: string, phoneNumber: string, visitCode?: string, source?: string }} p
   */
  async enter(eventId, p) {
    /** @type {Record<string, unknown>} */
    const body = {
      name: p.name,
      phoneNumber: p.phoneNumber,
      agreePrivacy: true,
      agreeMarketing: false,
      channel: 'WEB',
      source: p.source ?? 'DIRECT', // the link's ?ch=
    };
    if (p.visitCode) body.visitCode = p.visitCode;
    return this.must('POST', `/events/${eventId}/participate`, body);
  }

  async end(/** @type {string} */ eventId, /** @type {Owner} */ owner) {
    return this.must('POST', `/events/${eventId}/end`, undefined, owner.accessToken);
  }

  /** @param {string} eventId @param {Owner} owner @param {number} winnerCount */
  async draw(eventId, owner, winnerCount) {
    return this.must('POST', `/events/${eventId}/draw-winners`, { winnerCount, applyStoreVisitBonus: true }, owner.accessToken);
  }
}

/** Calendar dates in the events' time zone, as the app counts them. */
export function seoulDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

let phoneSeq = 0;
/**
 * A phone number no other entry in this run uses: the middle four digits
 * from the worker's pid, the last four a counter spread over 0000-9999
 * (7919 is prime to 10000, so no repeat within a worker's first 10000).
 */
export function uniquePhone() {
  phoneSeq++;
  const mid = 2000 + (process.pid % 8000);
  const last = (phoneSeq * 7919 + 1234) % 10_000;
  return `010-${mid}-${String(last).padStart(4, '0')}`;
}
