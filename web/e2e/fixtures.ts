// The test object every spec uses: baseURL is the devhost the global setup
// started (its port is only known then), `seeded` what it created, `api` a
// client of the same stack.
import { test as base, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { Api } from './api.mjs';
import type { Seeded } from './global-setup';

function state(): Seeded {
  const raw = process.env.E2E_STATE;
  if (!raw) throw new Error('E2E_STATE is not set: run the tests through playwright.config.ts (its globalSetup starts the stack)');
  return JSON.parse(raw) as Seeded;
}

export const test = base.extend<{ seeded: Seeded; api: Api }>({
  seeded: async ({}, use) => use(state()),
  api: async ({}, use) => use(new Api(state().origin)),
  baseURL: async ({}, use) => use(state().origin),
});
export { expect };

/** Fills and sends the entry form by its accessible names, as a customer would. */
export async function fillEntry(page: Page, p: { name: string; phone: string; email?: string }, send = true) {
  await page.getByLabel('이름').fill(p.name);
  // Typed key by key: the field adds hyphens as the customer types.
  await page.getByLabel('휴대폰 번호').pressSequentially(p.phone.replace(/-/g, ''));
  if (p.email) await page.getByLabel('이메일 (선택)').fill(p.email);
  await page.getByLabel(/^\[필수\] 개인정보 수집·이용 동의/).check();
  if (send) await page.getByRole('button', { name: '응모하기' }).click();
}

/** axe with the WCAG 2.1 A/AA rules; serious and critical findings fail, printed in full. */
export async function expectAccessible(page: Page, what: string) {
  const res = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  if (process.env.AXE_VERBOSE) {
    console.log(`[axe] ${what}: ${res.passes.length} rules pass, ${res.incomplete.length} need review, ${res.violations.length} violations`);
    for (const v of res.violations) console.log(`[axe] ${what}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.help}`);
  }
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
  expect(bad.length, `${what}: axe found serious/critical violations:\n${report}`).toBe(0);
  return res;
}
