// End-to-end test of the playground as a person uses it, against the release build (dist/) served
// on loopback, in Debian's headless Chromium:
//   pick an example → check the verdict and the highlighted deciding statement → type an edit that
//   flips the verdict → check both changed → add a missing context key → check the verdict.
// Also: the theme switch, screenshots (light, dark, narrow) into /tmp, and measured budgets
// (keystroke → updated verdict on a 20-policy scenario, load-to-usable), printed as lines that
// start with "measure:" (IAMSIM_STRICT_BUDGETS=1 holds them to the budgets, see below).
// Fails on any request to another host and on any console or page error.
//
// Run: node --test --test-reporter=spec tests/e2e/playground.test.mjs   (after `trunk build --release`)
// Environment: DIST (default dist/), CHROMIUM (default /usr/bin/chromium), SHOTS (default /tmp).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BANNER, DIST, EDITOR, expectDecision, launchChromium, loadExample, openCheckedPage } from './browser.mjs';
import { startStaticServer } from './static-server.mjs';

const SHOTS = process.env.SHOTS ?? '/tmp';


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

/** A page that refuses and records requests to other hosts, and records errors. */
/** A guarded page of the app (see `openCheckedPage`); `options` go to the browser context. */
const openPage = (options = {}) => openCheckedPage(browser, server.origin, { context: options });



/**
 * The text of the editor lines that carry a highlight band of this kind (allow, deny, matched),
 * joined. The Editor gives each line of a highlighted statement the class `band-<kind>`.
 */
async function bandText(page, kind) {
  return page.evaluate((k) => {
    const lines = document.querySelectorAll(`.ed-line.band-${k}`);
    return Array.from(lines, (l) => l.textContent).join('\n');
  }, kind);
}

/** Selects `needle` (the n-th occurrence) in the editor's textarea, as a person would by dragging. */
async function selectInEditor(page, needle, nth = 0) {
  const found = await page.locator(EDITOR).evaluate((el, [n, i]) => {
    let at = -1;
    for (let k = 0; k <= i; k++) at = el.value.indexOf(n, at + 1);
    if (at < 0) return false;
    el.focus();
    el.setSelectionRange(at, at + n.length);
    return true;
  }, [needle, nth]);
  assert.ok(found, `"${needle}" is in the editor`);
}

test('an example, its deciding statement, an edit that flips it, a missing key added', async () => {
  const { page, finish } = await openPage();

  // 1. Pick an example: MFA required. Without MFA the Deny (BoolIfExists on a missing key) decides.
  await loadExample(page, 'mfa-required');
  await expectDecision(page, 'ExplicitDeny');
  assert.match(await page.textContent(BANNER), /denied explicitly/i);
  assert.match(await bandText(page, 'deny'), /DenyStopAndTerminateWhenMFAIsNotPresent/);
  assert.doesNotMatch(await bandText(page, 'allow'), /AllowAllActionsForEC2/);
  assert.ok(await page.isVisible('[data-testid="undo"]'), 'undo is offered after loading');

  // 2. Type an edit: BoolIfExists → Bool. Plain Bool is false on a missing key, so the Deny no
  //    longer applies and the Allow decides. Both the banner and the highlight change.
  await selectInEditor(page, 'IfExists');
  await page.keyboard.press('Backspace');
  await expectDecision(page, 'Allow');
  assert.equal(await bandText(page, 'deny'), '');
  assert.match(await bandText(page, 'allow'), /AllowAllActionsForEC2/);

  // 3. The request lacks aws:MultiFactorAuthPresent: add it from the missing keys, say false.
  const add = page.locator('[data-testid="add-missing-key"][data-key="aws:MultiFactorAuthPresent" i]');
  await add.click();
  const value = page.locator(
    '[data-testid="context-row"][data-key="aws:MultiFactorAuthPresent" i] [data-testid="context-value"]',
  );
  if ((await value.evaluate((el) => el.tagName)) === 'SELECT') await value.selectOption('false');
  else await value.fill('false');
  await expectDecision(page, 'ExplicitDeny');
  assert.match(await bandText(page, 'deny'), /DenyStopAndTerminateWhenMFAIsNotPresent/);

  // 4. Undo brings back the starter workspace.
  await page.click('[data-testid="undo"]');
  await expectDecision(page, 'Allow');
  await finish();
});

test('a reason click selects its policy; switching a policy off is a what-if', async () => {
  const { page, finish } = await openPage();
  await loadExample(page, 'permissions-boundary');
  await expectDecision(page, 'ImplicitDeny');
  // Switch the boundary off: the identity policy alone decides.
  const boundaryToggle = page.locator('.layer-boundary [data-testid="policy-toggle"]');
  await boundaryToggle.click();
  await expectDecision(page, 'Allow');
  await boundaryToggle.click();
  await expectDecision(page, 'ImplicitDeny');
  await finish();
});

test('the theme follows the system and can be switched', async () => {
  const { page, finish } = await openPage({ colorScheme: 'dark' });
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const dark = await bg();
  await page.click('[data-testid="theme-light"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  assert.notEqual(await bg(), dark, 'the light theme overrides the dark system preference');
  await page.click('[data-testid="theme-system"]');
  assert.equal(await page.getAttribute('html', 'data-theme'), null);
  assert.equal(await bg(), dark);
  await finish();
});

test('screenshots: light, dark, narrow (420 px), examples open', async () => {
  const shots = [
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['narrow', { colorScheme: 'light', viewport: { width: 420, height: 900 } }],
  ];
  for (const [name, options] of shots) {
    const { page, finish } = await openPage(options);
    await loadExample(page, 'mfa-required');
    await expectDecision(page, 'ExplicitDeny');
    const file = path.join(SHOTS, `iamsim-${name}.png`);
    await page.screenshot({ path: file, fullPage: name === 'narrow' });
    console.log(`screenshot: ${file}`);
    if (name === 'light') {
      await page.click('[data-testid="examples-toggle"]');
      await page.screenshot({ path: path.join(SHOTS, 'iamsim-examples.png') });
      await page.keyboard.press('Escape');
    }
    // Nothing may overflow the viewport horizontally, even at 420 px.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
    await finish();
  }
});

// --- budgets -----------------------------------------------------------------------------------

/** Twenty policies: 19 that do not grant the request (with conditions to evaluate) and one that does. */
function policyText(i) {
  const services = ['s3', 'ec2', 'kms', 'dynamodb', 'sqs', 'sns', 'lambda', 'logs'];
  const s = services[i % services.length];
  const statements = [];
  for (let k = 0; k < 6; k++) {
    statements.push({
      Sid: `P${i}S${k}`,
      Effect: k === 5 ? 'Deny' : 'Allow',
      Action: [`${s}:Get*`, `${s}:List*`, `${s}:Describe*`],
      Resource: `arn:aws:${s}:us-east-1:111122223333:thing-${i}-${k}/*`,
      Condition: {
        StringEquals: { 'aws:PrincipalTag/team': [`team-${i}`, 'platform'] },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] },
        Bool: { 'aws:SecureTransport': 'true' },
      },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
}

const DECIDING = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'PushWeb',
        Effect: 'Allow',
        Action: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart'],
        Resource: 'arn:aws:ecr:us-east-1:111122223333:repository/web',
        Condition: { StringEqualsIfExists: { 'aws:RequestedRegion': 'us-east-1' } },
      },
    ],
  },
  null,
  2,
);

// The budgets are the (16 ms, 1 s). Speed goals are measured, not asserted in tests (a
// shared, loaded machine makes any timed assertion flaky): the figures are printed on every run,
// and IAMSIM_STRICT_BUDGETS=1 turns them into assertions for a measured run on a quiet machine.
const STRICT = process.env.IAMSIM_STRICT_BUDGETS === '1';
const ceiling = (budget) => (STRICT ? budget : Infinity);

/** Load-to-usable of one fresh page: ms from navigation start to the wasm arriving, the app
 *  starting (compiled, instantiated) and its first render on screen. */
async function loadTimes() {
  const { page, finish } = await openPage();
  const t = await page.evaluate(() => {
    const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
    const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
    return { wasm: wasm?.responseEnd ?? null, start: at('iamsim-start'), ready: at('iamsim-ready') };
  });
  await finish();
  return t;
}

test('measure: load-to-usable; keystroke → updated verdict on a 20-policy scenario', async () => {
  const loads = [];
  for (let i = 0; i < 3; i++) loads.push(await loadTimes());
  for (const t of loads) assert.ok(t.ready !== null && t.start !== null, 'the app marks iamsim-start and iamsim-ready');
  const best = loads.reduce((a, b) => (b.ready < a.ready ? b : a));
  const f = (x) => (x === null ? '?' : x.toFixed(0));
  console.log(
    `measure: load-to-usable ${f(best.ready)} ms, best of 3 (${loads.map((t) => f(t.ready)).join(', ')}): ` +
      `wasm fetched at ${f(best.wasm)} ms, app started at ${f(best.start)} ms, first render at ${f(best.ready)} ms ` +
      `(navigation start = 0, localhost; budget 1000 ms)`,
  );
  assert.ok(best.ready < ceiling(1000), `usable within ${ceiling(1000)} ms of loading (took ${f(best.ready)} ms)`);

  const { page, finish } = await openPage();
  // Build the scenario through the UI: the starter policy becomes the deciding one, 19 more.
  await page.locator(EDITOR).fill(DECIDING);
  for (let i = 1; i < 20; i++) {
    await page.click('[data-testid="add-layer-identity"]');
    await page.locator(EDITOR).fill(policyText(i));
  }
  assert.equal(await page.locator('.layer-identity [data-testid="policy-select"]').count(), 20);
  await expectDecision(page, 'Allow');
  await page.locator('.layer-identity [data-testid="policy-select"]').first().click();

  // The caret after `ecr:PutImage`: typing "x" breaks the action (ImplicitDeny), Backspace
  // restores it (Allow). Each keystroke flips the verdict; time it inside the page from the
  // key event's timestamp to the banner's change (DOM updated) and to the next frame (painted).
  await page.locator(EDITOR).evaluate((el) => {
    const at = el.value.indexOf('ecr:PutImage') + 'ecr:PutImage'.length;
    el.focus();
    el.setSelectionRange(at, at);
  });
  await page.evaluate((sel) => {
    window.__lat = [];
    let pressed = null;
    document.addEventListener('keydown', (e) => { pressed = e.timeStamp; }, { capture: true });
    const banner = () => document.querySelector(sel);
    new MutationObserver(() => {
      if (pressed === null) return;
      const t0 = pressed;
      pressed = null;
      const dom = performance.now() - t0;
      requestAnimationFrame(() => setTimeout(() => window.__lat.push({ dom, frame: performance.now() - t0 }), 0));
    }).observe(banner(), { attributes: true, attributeFilter: ['data-decision'] });
  }, BANNER);

  const rounds = 30;
  for (let i = 0; i < rounds; i++) {
    const flipTo = i % 2 === 0 ? 'ImplicitDeny' : 'Allow';
    await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
    await expectDecision(page, flipTo);
    const time = await page.textContent('[data-testid="eval-time"]');
    assert.match(time, /evaluated in/);
  }
  await page.waitForFunction((n) => window.__lat.length >= n, rounds);
  const lat = await page.evaluate(() => window.__lat);
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
  };
  const dom = stats(lat.map((l) => l.dom));
  const frame = stats(lat.map((l) => l.frame));
  const evalMs = Number(await page.getAttribute('[data-testid="eval-time"]', 'data-ms'));
  console.log(
    `measure: keystroke → verdict, 20 policies (${rounds} keystrokes): DOM updated median ${dom.median.toFixed(1)} ms, ` +
      `p90 ${dom.p90.toFixed(1)} ms, max ${dom.max.toFixed(1)} ms; next frame median ${frame.median.toFixed(1)} ms, ` +
      `p90 ${frame.p90.toFixed(1)} ms; evaluation alone ${evalMs.toFixed(2)} ms`,
  );
  assert.ok(
    dom.median < ceiling(16),
    `keystroke → verdict under ${ceiling(16)} ms (median ${dom.median.toFixed(1)} ms; budget 16 ms)`,
  );
  await finish();
});
