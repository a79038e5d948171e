// End-to-end test of the built playground: serves dist/ on a free loopback port, loads it in
// Debian's headless Chromium and checks that the page shows the decision iamsim-core computed.
// Fails on any request to another host, on any console error (a CSP violation shows up there)
// and on any uncaught page error.
//
// Run: node --test --test-reporter=spec tests/e2e/page.test.mjs   (after `trunk build --release`)
// Environment: DIST (default: dist/ at the repository root), CHROMIUM (default /usr/bin/chromium).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, launchChromium } from './browser.mjs';
import { startStaticServer } from './static-server.mjs';

// The decision the starter workspace gets on load (web/src/state.rs: the PushWeb identity policy
// allows its request). The app computes it with iamsim-core in the page; nothing is precomputed.
const EXPECTED_DECISION = 'Allow';

let server;
let browser;

before(async () => {
  server = await startStaticServer(DIST);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page shows the decision iamsim-core computed, using only its own origin', async () => {
  const page = await browser.newPage();
  const foreign = [];
  const problems = [];

  // Every request must go to the loopback server; anything else is recorded and refused.
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.origin || url.protocol === 'data:') return route.continue();
    foreign.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`failed: ${req.url()} ${req.failure()?.errorText}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  await page.goto(`${server.origin}/`, { waitUntil: 'load' });
  const banner = page.locator('[data-testid="decision"]');
  try {
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
  } catch (err) {
    // Say why the app did not start (a CSP violation, a failed fetch, a panic) rather than time out.
    throw new Error(`no decision banner: ${err.message}\n${problems.join('\n')}`);
  }

  assert.equal(await banner.getAttribute('data-decision'), EXPECTED_DECISION);
  assert.match((await banner.textContent()) ?? '', new RegExp(EXPECTED_DECISION));
  await page.waitForLoadState('networkidle');
  assert.deepEqual(foreign, [], 'requests to hosts other than the loopback server');
  assert.deepEqual(problems, [], 'console errors, page errors or failed requests');
  await page.close();
});

test('the served page carries a Content-Security-Policy without inline scripts', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.origin}/`);
  const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.ok(csp, 'a CSP meta tag');
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|https?:/);
  const inlineScripts = await page.locator('script:not([src])').count();
  assert.equal(inlineScripts, 0, 'inline scripts in the built page');
  await page.close();
});
