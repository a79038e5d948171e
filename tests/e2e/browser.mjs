// What every end-to-end test shares: where the built site is, and a headless Chromium launched
// the way this machine needs (docs/build.md).
import assert from 'node:assert/strict';
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

/**
 * A page of the app in a fresh browser profile, guarded: requests to any host but `origin` are
 * refused (the app must never make one), and console errors, page errors, failed requests and
 * HTTP errors are recorded. `finish` waits for the network to settle, asserts that nothing was
 * recorded, and closes the profile.
 *
 * `url`: the path (or absolute URL) to open, after which the decision banner must show;
 * `permissions`: browser permissions granted to `origin` (e.g. the clipboard's);
 * `context`: options for `browser.newContext` (colour scheme, viewport, downloads).
 */
export async function openCheckedPage(browser, origin, { url = '/', permissions = [], context: options = {} } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  if (permissions.length) await context.grantPermissions(permissions, { origin });
  const page = await context.newPage();
  const foreign = [];
  const problems = [];
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin === origin || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
    foreign.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // Refused above (and said there), or a download the test saved: not a failure of the app.
    const error = req.failure()?.errorText ?? '';
    if (!/ERR_BLOCKED_BY_CLIENT|ERR_ABORTED/.test(error)) problems.push(`failed: ${req.url()} ${error}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(new URL(url, origin).href, { waitUntil: 'load' });
  try {
    await page.locator(BANNER).waitFor({ state: 'visible', timeout: 20_000 });
  } catch (err) {
    throw new Error(`no decision banner: ${err.message}\n${problems.join('\n')}`);
  }
  const finish = async () => {
    await page.waitForLoadState('networkidle');
    assert.deepEqual(foreign, [], 'requests to hosts other than the loopback server');
    assert.deepEqual(problems, [], 'console errors, page errors, failed requests or HTTP errors');
    await context.close();
  };
  return { context, page, finish };
}
