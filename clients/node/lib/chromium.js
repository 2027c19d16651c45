// Headless Chromium for the browser tests: Debian's /usr/bin/chromium (apt-get install chromium),
// driven by playwright-core, which downloads no browser of its own. One place for the executable,
// its flags, the skip rule and where screenshots go, shared by every test that opens a page.
//
// Without /usr/bin/chromium a browser test file is skipped, except with CI=true, where it fails.

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Whether Debian's Chromium is installed. */
export const haveChromium = existsSync(CHROMIUM);

/** The `skip` option of a describe() for browser tests of `what`: a reason outside CI without Chromium, else false. */
export function skipWithoutChromium(what) {
  return !haveChromium && process.env.CI !== 'true'
    ? `${CHROMIUM} not found: skipping the ${what} (apt-get install chromium)`
    : false;
}

/** Launches headless Chromium; throws (in CI, where the tests are required) when it is not installed. */
export async function launchChromium(what = 'browser tests') {
  if (!haveChromium) throw new Error(`${CHROMIUM} not found; the ${what} are required in CI`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The directory screenshots are written to, created if needed: $MAILGATE_SCREENSHOTS, else
 * clients/node/target/screenshots (under Maven's target/, kept as a CI artifact).
 */
export function screenshotDir() {
  const dir = process.env.MAILGATE_SCREENSHOTS
    ? path.resolve(process.env.MAILGATE_SCREENSHOTS)
    : path.resolve(here, '..', 'target', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
