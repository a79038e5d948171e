// What every end-to-end test shares: where the built site is, and a headless Chromium launched
// the way this machine needs (docs/build.md).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The built site (`trunk build --release` output), or $DIST. */
export const DIST = path.resolve(process.env.DIST ?? path.join(here, '..', '..', 'dist'));

/** Debian's Chromium, headless. Root in a container needs --no-sandbox; the rest keep Chromium
 *  from calling hosts it cannot reach. Playwright gives each launch a fresh temporary profile. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The decision banner and the policy editor, by their stable test ids. */
export const BANNER = '[data-testid="decision"]';
export const EDITOR = '[data-testid="policy-editor"]';

/** Waits until the banner's `data-decision` is `decision`; fails saying what it shows instead. */
export async function expectDecision(page, decision, timeout = 10_000) {
  await page
    .waitForFunction(
      ([sel, d]) => document.querySelector(sel)?.getAttribute('data-decision') === d,
      [BANNER, decision],
      { timeout },
    )
    .catch(async () => {
      const got = await page.getAttribute(BANNER, 'data-decision').catch(() => null);
      throw new Error(`expected the banner to say ${decision}, it says ${got}`);
    });
}

/** Loads an example through the gallery (`id`: the example file's stem). */
export async function loadExample(page, id) {
  await page.click('[data-testid="examples-toggle"]');
  await page.click(`[data-testid="example-${id}"]`);
}
