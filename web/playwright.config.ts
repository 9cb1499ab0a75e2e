// Browser tests of the public pages against the real stack (e2e/stack.mjs,
// started by e2e/global-setup.ts): Debian's Chromium, never a downloaded
// browser (nothing can be downloaded here; scripts/services.sh browser
// installs it). Needs dist/web (make web) and the local services.
//
//   npx playwright test                 all (make web-test runs it)
//   SCREENS=1 npx playwright test a11y  also rewrite docs/screens/*.png
//   AXE_VERBOSE=1                       print every axe finding, of any impact
//   E2E_HANDLER=path                    use that handler binary instead of building bin/handler
//   PLAYWRIGHT_CHROMIUM=path            another Chromium
// The stack's logs (devhost, channel simulator) are in the temp folder the
// setup prints.
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_FLAGS } from './e2e/chromium.mjs';

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    locale: 'ko-KR',
    timezoneId: 'Asia/Seoul',
    viewport: { width: 360, height: 740 },
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_FLAGS },
  },
});
