// Phone verification on the entry page (events with verifyPhone): the code
// goes out through the NHN SMS API the channel simulator plays; the test
// reads it from the simulator's inspection endpoint, as a phone would.
import { test, expect, expectAccessible } from './fixtures';
import { uniquePhone } from './api.mjs';

async function lastCode(sim: string, phone: string): Promise<string> {
  const res = await fetch(`${sim}/_sim/messages?to=${phone.replace(/\D/g, '')}`);
  const { messages } = (await res.json()) as { messages: { text: string }[] };
  const code = /\b\d{6}\b/.exec(messages.at(-1)?.text ?? '')?.[0];
  if (!code) throw new Error(`no code in ${JSON.stringify(messages)}`);
  return code;
}

test('a customer verifies the phone by SMS code, then enters', async ({ page, seeded }) => {
  const id = seeded.events.verified;
  const phone = uniquePhone();
  await page.goto(`/e/${id}?ch=INSTAGRAM`);
  await page.getByLabel('이름').fill('인증해');
  await page.getByLabel('휴대폰 번호').fill(phone.replace(/\D/g, ''));
  await page.getByRole('checkbox', { name: /개인정보 수집·이용 동의/ }).check();

  // Entering before verifying is refused beside the phone field, nothing typed is lost.
  await page.getByRole('button', { name: '응모하기' }).click();
  await expect(page.getByText('이 이벤트는 휴대폰 인증을 해야 응모할 수 있어요.', { exact: false }).first()).toBeVisible();
  await expect(page.getByLabel('이름')).toHaveValue('인증해');

  await page.getByRole('button', { name: '인증번호 받기' }).click();
  await expect(page.getByText('인증번호를 보냈어요.')).toBeVisible();
  await expect(page.getByText(/초 뒤에 다시 받을 수 있어요/)).toBeVisible();
  const code = await lastCode(seeded.sim, phone);
  await expectAccessible(page, 'entry page, code step');

  // A wrong code counts down, shown beside the code field.
  const wrong = code === '000000' ? '111111' : '000000';
  await page.getByLabel('인증번호', { exact: true }).fill(wrong);
  await page.getByRole('button', { name: '확인', exact: true }).click();
  await expect(page.getByText('인증번호가 맞지 않아요. 4번 더 입력할 수 있어요.')).toBeVisible();

  await page.getByLabel('인증번호', { exact: true }).fill(code);
  await page.getByRole('button', { name: '확인', exact: true }).click();
  await expect(page.getByText('휴대폰 인증을 마쳤어요.')).toBeVisible();

  const sent = page.waitForResponse((r) => r.url().endsWith(`/events/${id}/participate`) && r.request().method() === 'POST');
  await page.getByRole('button', { name: '응모하기' }).click();
  expect((await sent).status()).toBe(201);
  await expect(page.getByRole('heading', { name: '응모 완료' })).toBeVisible();
});
