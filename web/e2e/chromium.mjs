// Debian's Chromium, the one browser every web check here drives (the
// browser tests, Lighthouse, the verify bench): nothing can be downloaded
// on these machines, so it is never Playwright's own build.
// scripts/services.sh browser installs it.

/** The browser binary; PLAYWRIGHT_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM || '/usr/bin/chromium';

/**
 * Without the background-networking flags Chromium's own connections
 * (component updates, sync, QUIC probes) are refused here and stall pages.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
