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

/**
 * Every visible control is at least 44 x 44 CSS px (WCAG 2.5.5): buttons,
 * fields, selects, summaries and links that stand alone; a checkbox or
 * radio counts by its label, which takes the tap. Links inside a sentence
 * are exempt, as the criterion allows.
 */
export async function expectTouchTargets(page: Page, what: string, min = 44) {
  const small = await page.evaluate((min) => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) return false;
      const cs = getComputedStyle(el);
      return cs.visibility !== 'hidden' && !el.closest('[aria-hidden="true"], [hidden], [inert]');
    };
    const inSentence = (el: Element) => {
      if (getComputedStyle(el).display !== 'inline') return false;
      const parent = el.parentElement;
      if (!parent) return false;
      return Array.from(parent.childNodes).some((n) => n !== el && n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
    };
    const out: string[] = [];
    for (const el of document.querySelectorAll('button, [role="button"], a[href], input:not([type="hidden"]), select, textarea, summary')) {
      if (!visible(el)) continue;
      let box: Element = el;
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
        const label = el.closest('label') ?? (el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null);
        if (label) box = label;
      }
      if (el instanceof HTMLAnchorElement && inSentence(el)) continue;
      const r = box.getBoundingClientRect();
      if (r.height < min - 0.5 || r.width < min - 0.5) {
        const name = (el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).name ?? '').trim().slice(0, 40);
        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name}": ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
      }
    }
    return out;
  }, min);
  expect(small, `${what}: controls smaller than ${min} px:\n  ${small.join('\n  ')}`).toEqual([]);
}
