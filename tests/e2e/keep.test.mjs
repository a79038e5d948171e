// End-to-end test of saved work, incoming share links and the offline copy, against the release
// build (dist/) served on loopback, in Debian's headless Chromium:
//   - what is typed is restored on reload; several named workspaces (new, duplicate, rename,
//     switch, delete) survive a reload; two tabs see each other's workspaces and edits;
//   - a corrupt saved entry or index: a notice, the app works, the entry is kept aside;
//   - storage that is full (setItem throws QuotaExceededError) or disabled (the localStorage
//     getter throws SecurityError): a notice, the app keeps working in memory;
//   - a share link opens as a new workspace; a cut, altered or enormous one says why and
//     changes nothing;
//   - offline: after a first visit the app loads and evaluates with the server stopped; a new
//     build replaces the old cache.
// Fails on any request to another host and on any page error.
//
// Run: node --test --test-reporter=spec tests/e2e/keep.test.mjs   (after `trunk build --release`)
// Environment: DIST (default dist/), CHROMIUM (default /usr/bin/chromium), SHOTS (default /tmp).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { BANNER, DIST, EDITOR, expectDecision, launchChromium, loadExample } from './browser.mjs';
import { startStaticServer } from './static-server.mjs';

const SHOTS = process.env.SHOTS ?? '/tmp';
const NOTICE = '[data-testid="storage-notice"]';
const SAVING_OFF = '[data-testid="saving-off"]';

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

/** A fresh browser profile (its own storage and service workers) on `origin`; records requests
 *  to other hosts and page errors, checked by `finish`. */
async function openContext({ origin = server.origin, init, options } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  if (init) await (Array.isArray(init) ? context.addInitScript(...init) : context.addInitScript(init));
  const foreign = [];
  const problems = [];
  context.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin !== origin && url.protocol !== 'data:') foreign.push(req.url());
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const finish = async () => {
    assert.deepEqual(foreign, [], 'requests to hosts other than the loopback server');
    assert.deepEqual(problems, [], 'page errors');
    await context.close();
  };
  return { context, page, finish };
}

async function waitForApp(page) {
  await page.locator(BANNER).waitFor({ state: 'visible', timeout: 20_000 });
}


/** Replaces `needle` in the editor by typing, as a person would. */
async function typeOver(page, needle, text) {
  const found = await page.locator(EDITOR).evaluate((el, n) => {
    const at = el.value.indexOf(n);
    if (at < 0) return false;
    el.focus();
    el.setSelectionRange(at, at + n.length);
    return true;
  }, needle);
  assert.ok(found, `"${needle}" is in the editor`);
  await page.keyboard.type(text);
}

/** Waits until the saved copy of the current workspace contains `needle` (saving is delayed). */
async function waitSaved(page, needle) {
  await page.waitForFunction(
    (n) => {
      const index = JSON.parse(localStorage.getItem('iamsim.workspaces@1') ?? 'null');
      return index && (localStorage.getItem(`iamsim.workspace@1.${index.current}`) ?? '').includes(n);
    },
    needle,
    { timeout: 5_000 },
  );
}

async function openSwitcher(page) {
  if ((await page.getAttribute('[data-testid="workspaces-toggle"]', 'aria-expanded')) !== 'true') {
    await page.click('[data-testid="workspaces-toggle"]');
  }
}

/** The workspaces listed, the current one marked with `*`. */
async function workspaceNames(page) {
  await openSwitcher(page);
  const names = await page.$$eval('[data-testid="workspace-item"]', (items) =>
    items.map((li) => `${li.dataset.name}${li.classList.contains('current') ? '*' : ''}`),
  );
  await page.keyboard.press('Escape');
  return names;
}

async function workspaceAction(page, name, testid) {
  await openSwitcher(page);
  await page.click(`[data-testid="workspace-item"][data-name="${name}"] [data-testid="${testid}"]`);
}


async function noticeTexts(page) {
  return page.$$eval(`${NOTICE}, ${SAVING_OFF}`, (bars) => bars.map((b) => b.textContent));
}

/** A bundled example scenario (tests/corpus/examples/). */
async function example(id) {
  return JSON.parse(await readFile(new URL(`../corpus/examples/${id}.json`, import.meta.url), 'utf8'));
}

/** The share-link fragment of a scenario, made the way the format says (raw DEFLATE, base64url):
 *  independent of the Rust encoder. */
function shareFragment(scenario, version = '0.1.0') {
  const deflated = zlib.deflateRawSync(Buffer.from(JSON.stringify(scenario)), { level: 9 });
  return `s=${deflated.toString('base64url')}&v=${version}`;
}

// --- saved work --------------------------------------------------------------------------------

test('what is typed is restored on reload', async () => {
  const { page, finish } = await openContext();
  await page.goto(`${server.origin}/`);
  await waitForApp(page);
  await expectDecision(page, 'Allow');
  await typeOver(page, '"Effect": "Allow"', '"Effect": "Deny"');
  await expectDecision(page, 'ExplicitDeny');
  await waitSaved(page, 'Deny');
  await page.reload();
  await waitForApp(page);
  await expectDecision(page, 'ExplicitDeny');
  assert.match(await page.inputValue(EDITOR), /"Effect": "Deny"/);

  // Typed and reloaded at once (the delayed save may not have run: leaving the page saves).
  await typeOver(page, '"Effect": "Deny"', '"Effect": "Allow"');
  await expectDecision(page, 'Allow');
  await page.reload();
  await waitForApp(page);
  await expectDecision(page, 'Allow');
  assert.deepEqual(await noticeTexts(page), []);
  await finish();
});

test('several named workspaces: new, duplicate, rename, switch, delete, all kept over a reload', async () => {
  const { page, finish } = await openContext();
  await page.goto(`${server.origin}/`);
  await waitForApp(page);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1*']);

  await openSwitcher(page);
  await page.click('[data-testid="workspace-new"]');
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', 'Workspace 2*']);
  await loadExample(page, 'mfa-required');
  await expectDecision(page, 'ExplicitDeny');

  await workspaceAction(page, 'Workspace 2', 'workspace-duplicate');
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', 'Workspace 2', 'Workspace 2 (copy)*']);
  await expectDecision(page, 'ExplicitDeny');
  await workspaceAction(page, 'Workspace 2 (copy)', 'workspace-rename');
  await page.fill('[data-testid="workspace-rename-input"]', 'MFA without the Deny');
  await page.keyboard.press('Enter');
  await typeOver(page, 'BoolIfExists', 'Bool');
  await expectDecision(page, 'Allow');
  // The toggle shows the current workspace's name.
  assert.match(await page.textContent('[data-testid="workspaces-toggle"]'), /MFA without the Deny/);

  // Switching saves the one left and opens the other as it was.
  await workspaceAction(page, 'Workspace 2', 'workspace-switch');
  await expectDecision(page, 'ExplicitDeny');
  await workspaceAction(page, 'Workspace 1', 'workspace-switch');
  await expectDecision(page, 'Allow');
  assert.equal(await page.isVisible('[data-testid="undo"]'), false, 'switching offers no undo');

  // Delete acts at once, closes the list and offers to undo; undone, it is back in its place.
  await workspaceAction(page, 'Workspace 2', 'workspace-delete');
  assert.deepEqual(await noticeTexts(page), ['Deleted “Workspace 2”.Undo×']);
  await page.click('[data-testid="workspace-undo-delete"]');
  assert.deepEqual(await workspaceNames(page), ['Workspace 1*', 'Workspace 2', 'MFA without the Deny']);
  await workspaceAction(page, 'Workspace 2', 'workspace-delete');
  assert.deepEqual(await workspaceNames(page), ['Workspace 1*', 'MFA without the Deny']);

  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1*', 'MFA without the Deny']);
  await expectDecision(page, 'Allow');
  await workspaceAction(page, 'MFA without the Deny', 'workspace-switch');
  await expectDecision(page, 'Allow');
  assert.match(await page.inputValue(EDITOR), /"Bool": \{/);

  // Deleting the open workspace opens its neighbour, and says so with an Undo.
  await workspaceAction(page, 'MFA without the Deny', 'workspace-delete');
  assert.deepEqual(await workspaceNames(page), ['Workspace 1*']);
  await expectDecision(page, 'Allow');
  assert.deepEqual(await noticeTexts(page), ['Deleted “MFA without the Deny”.Undo×']);
  await page.screenshot({ path: path.join(SHOTS, 'iamsim-workspace-deleted.png') });
  // Undo puts it back in its place, open again, as it was.
  await page.click('[data-testid="workspace-undo-delete"]');
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', 'MFA without the Deny*']);
  assert.match(await page.inputValue(EDITOR), /"Bool": \{/);
  assert.deepEqual(await noticeTexts(page), []);
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', 'MFA without the Deny*']);
  // Deleted again, the notice dismissed: gone for good.
  await workspaceAction(page, 'MFA without the Deny', 'workspace-delete');
  await page.click(`${NOTICE} [aria-label="Dismiss"]`);
  assert.deepEqual(await noticeTexts(page), []);
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1*']);
  await finish();
});

/** Waits until `page` lists `expected` (another tab's change arrives by the `storage` event). */
async function waitForNames(page, expected, timeout = 5_000) {
  const end = Date.now() + timeout;
  let names = await workspaceNames(page);
  while (JSON.stringify(names) !== JSON.stringify(expected) && Date.now() < end) {
    await page.waitForTimeout(100);
    names = await workspaceNames(page);
  }
  assert.deepEqual(names, expected);
}

/** Two tabs of the app in one browser profile (they share its storage), both loaded; `finish`
 *  also fails on a page error in the second. */
async function openTwoTabs() {
  const { context, page: a, finish: finishFirst } = await openContext();
  await a.goto(`${server.origin}/`);
  await waitForApp(a);
  const b = await context.newPage();
  const problems = [];
  b.on('pageerror', (err) => problems.push(`page error in the second tab: ${err.message}`));
  await b.goto(`${server.origin}/`);
  await waitForApp(b);
  const finish = async () => {
    assert.deepEqual(problems, []);
    await finishFirst();
  };
  return { a, b, finish };
}

test('two tabs: each lists the other one\'s workspaces, shows its edits, and new ids never collide', async () => {
  const { a, b, finish } = await openTwoTabs();
  assert.deepEqual(await workspaceNames(b), ['Workspace 1*']);

  // A workspace made in one tab appears in the other without a reload.
  await openSwitcher(a);
  await a.click('[data-testid="workspace-new"]');
  assert.deepEqual(await workspaceNames(a), ['Workspace 1', 'Workspace 2*']);
  await waitForNames(b, ['Workspace 1*', 'Workspace 2']);
  // One made in the second tab is a third, not a second "Workspace 2" over the first's.
  await openSwitcher(b);
  await b.click('[data-testid="workspace-new"]');
  assert.deepEqual(await workspaceNames(b), ['Workspace 1', 'Workspace 2', 'Workspace 3*']);
  await waitForNames(a, ['Workspace 1', 'Workspace 2*', 'Workspace 3']);
  const ids = await a.evaluate(() =>
    JSON.parse(localStorage.getItem('iamsim.workspaces@1')).workspaces.map((w) => w.id),
  );
  assert.equal(new Set(ids).size, 3, `distinct ids: ${ids}`);

  // Both on one workspace: what one types shows in the other, which has no edits of its own.
  await workspaceAction(b, 'Workspace 2', 'workspace-switch');
  await expectDecision(b, 'Allow');
  await typeOver(a, '"Effect": "Allow"', '"Effect": "Deny"');
  await expectDecision(a, 'ExplicitDeny');
  await expectDecision(b, 'ExplicitDeny');
  assert.match(await b.inputValue(EDITOR), /"Effect": "Deny"/);
  assert.deepEqual(await workspaceNames(b), ['Workspace 1', 'Workspace 2*', 'Workspace 3']);
  await b.screenshot({ path: path.join(SHOTS, 'iamsim-two-tabs.png') });
  assert.deepEqual(await noticeTexts(a), []);
  assert.deepEqual(await noticeTexts(b), []);
  await finish();
});

test('two tabs: edits made in both are both kept, and a workspace deleted elsewhere stays open', async () => {
  const { a, b, finish } = await openTwoTabs();
  await typeOver(a, '"Effect": "Allow"', '"Effect": "Deny"');
  await waitSaved(a, 'Deny');
  await expectDecision(b, 'ExplicitDeny');

  // A types (its save waits for a pause) while the other tab saves its own change of the same
  // workspace: A's typing goes on in a new workspace, the other's change stays where it was.
  await typeOver(a, '"ecr:PutImage"', '"ecr:PutImageX"');
  await b.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('iamsim.workspaces@1'));
    const key = `iamsim.workspace@1.${index.current}`;
    localStorage.setItem(key, localStorage.getItem(key).replace('Deny', 'Allow'));
  });
  await a.waitForFunction(
    (sel) => [...document.querySelectorAll(sel)].some((n) => n.textContent.includes('was changed in another tab')),
    NOTICE,
    { timeout: 5_000 },
  );
  assert.deepEqual(await workspaceNames(a), ['Workspace 1', 'Workspace 1 (this tab)*']);
  assert.match(await a.inputValue(EDITOR), /"ecr:PutImageX"/);
  await waitSaved(a, 'PutImageX');
  const first = await a.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('iamsim.workspaces@1'));
    return localStorage.getItem(`iamsim.workspace@1.${index.workspaces[0].id}`);
  });
  assert.match(first, /Allow/);
  assert.doesNotMatch(first, /Deny/);
  assert.doesNotMatch(first, /PutImageX/);
  await a.screenshot({ path: path.join(SHOTS, 'iamsim-two-tabs-kept.png') });

  // A deletes the workspace B shows: B keeps it open, says so, and typing there lists it again.
  await workspaceAction(a, 'Workspace 1', 'workspace-delete');
  assert.deepEqual(await workspaceNames(a), ['Workspace 1 (this tab)*']);
  await b.waitForFunction(
    (sel) => [...document.querySelectorAll(sel)].some((n) => n.textContent.includes('was deleted in another tab')),
    NOTICE,
    { timeout: 5_000 },
  );
  assert.match(await b.textContent('[data-testid="workspaces-toggle"]'), /Workspace 1/);
  // B shows the workspace's last saved version (the other tab's), which it read when A's new
  // workspace was listed.
  await expectDecision(b, 'Allow');
  await typeOver(b, '"Effect": "Allow"', '"Effect": "Deny"');
  await expectDecision(b, 'ExplicitDeny');
  await waitForNames(a, ['Workspace 1 (this tab)*', 'Workspace 1']);
  await finish();
});

test('a corrupt saved workspace or index: a notice, the app works, the entry is kept aside', async () => {
  // Planted before the app starts, once per profile.
  const plant = (entries) => {
    if (sessionStorage.getItem('planted')) return;
    sessionStorage.setItem('planted', '1');
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  };
  const index = JSON.stringify({
    format: 'iamsim/workspaces@1',
    current: 'w1',
    workspaces: [{ id: 'w1', name: 'Mine' }],
  });
  const entryCases = [
    ['not JSON', '{"format": "iamsim/scenario@1", "policies": '],
    ['wrong shape', '{"format": "iamsim/scenario@1", "policies": 7, "request": []}'],
  ];
  for (const [what, raw] of entryCases) {
    const { page, finish } = await openContext({
      init: [plant, { 'iamsim.workspaces@1': index, 'iamsim.workspace@1.w1': raw }],
    });
    await page.goto(`${server.origin}/`);
    await waitForApp(page);
    await expectDecision(page, 'Allow'); // the starter, in the workspace's place
    const [notice] = await noticeTexts(page);
    assert.match(notice ?? '', /the saved workspace “Mine” could not be read \(.+\); it is kept aside under `iamsim\.backup@1\.workspace@1\.w1`/, what);
    assert.equal(await page.evaluate(() => localStorage.getItem('iamsim.backup@1.workspace@1.w1')), raw, what);
    // The app works and saves again.
    await typeOver(page, '"Effect": "Allow"', '"Effect": "Deny"');
    await expectDecision(page, 'ExplicitDeny');
    await waitSaved(page, 'Deny');
    assert.equal(await page.evaluate(() => localStorage.getItem('iamsim.backup@1.workspace@1.w1')), raw, what);
    if (what === 'not JSON') {
      await page.screenshot({ path: path.join(SHOTS, 'iamsim-keep-corrupt.png') });
    }
    await page.click(`${NOTICE} [aria-label="Dismiss"]`);
    assert.deepEqual(await noticeTexts(page), []);
    await finish();
  }

  // The index itself unreadable: kept aside, the list rebuilt from the entries found.
  const saved = await example('mfa-required');
  const { page, finish } = await openContext({
    init: [plant, { 'iamsim.workspaces@1': '{"format": "iamsim/workspaces@1", "current": ', 'iamsim.workspace@1.w3': JSON.stringify(saved) }],
  });
  await page.goto(`${server.origin}/`);
  await waitForApp(page);
  const [notice] = await noticeTexts(page);
  assert.match(notice ?? '', /the list of saved workspaces could not be read .*kept aside under `iamsim\.backup@1\.workspaces@1`.*rebuilt from the 1 saved workspace found/);
  assert.deepEqual(await workspaceNames(page), [`${saved.name}*`]);
  await expectDecision(page, 'ExplicitDeny');
  await finish();
});

test('full or disabled storage: a notice, and the app keeps working in memory', async () => {
  const full = () => {
    Storage.prototype.setItem = function setItem() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  };
  const disabled = () => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
  };
  const cases = [
    ['full', full, /^saving is off: the browser's storage is full — your work is kept in this tab only/],
    ['disabled', disabled, /^saving is off: this browser does not let the page use its storage \(`SecurityError: Access is denied for this document\.`\) — your work is kept in this tab only/],
  ];
  for (const [name, init, message] of cases) {
    const { page, finish } = await openContext({ init });
    await page.goto(`${server.origin}/`);
    await waitForApp(page);
    await typeOver(page, '"Effect": "Allow"', '"Effect": "Deny"');
    await expectDecision(page, 'ExplicitDeny');
    await page.locator(SAVING_OFF).waitFor({ timeout: 5_000 });
    assert.match(await page.textContent(SAVING_OFF), message, name);
    // Workspaces still work, in this tab.
    await openSwitcher(page);
    await page.click('[data-testid="workspace-new"]');
    await expectDecision(page, 'Allow');
    await workspaceAction(page, 'Workspace 1', 'workspace-switch');
    await expectDecision(page, 'ExplicitDeny');
    if (name === 'full') {
      await page.screenshot({ path: path.join(SHOTS, 'iamsim-keep-full.png') });
    }
    await page.click(`${SAVING_OFF} [aria-label="Dismiss"]`);
    assert.equal(await page.isVisible(SAVING_OFF), false);
    await finish();
  }
});

// --- incoming share links ------------------------------------------------------------------------

test('a share link opens as a new workspace; a broken one says why and changes nothing', async () => {
  const mfa = await example('mfa-required');
  const { page, finish } = await openContext();
  await page.goto(`${server.origin}/`);
  await waitForApp(page);
  await typeOver(page, '"Effect": "Allow"', '"Effect": "Deny"');
  await expectDecision(page, 'ExplicitDeny');
  await waitSaved(page, 'Deny');

  // Opened at startup, from a newer iamsim: a new workspace, its notes shown, the fragment gone.
  await page.goto(`${server.origin}/#${shareFragment(mfa, '99.0.0')}`);
  await waitForApp(page);
  await expectDecision(page, 'ExplicitDeny');
  assert.match(await page.inputValue(EDITOR), /BoolIfExists/);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', `${mfa.name}*`]);
  const notices = (await noticeTexts(page)).join('\n');
  assert.match(notices, /the shared link opened as a new workspace, “MFA required/);
  assert.match(notices, /99\.0\.0/);
  assert.equal(await page.evaluate(() => location.hash), '');
  // A reload opens the saved workspace, not the link again.
  await page.reload();
  await waitForApp(page);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', `${mfa.name}*`]);
  await typeOver(page, 'BoolIfExists', 'Bool');
  await expectDecision(page, 'Allow');

  // Broken links pasted into the open tab (hashchange): each says why; nothing changes.
  const good = shareFragment(mfa);
  const broken = [
    ['cut', good.slice(0, Math.floor(good.indexOf('&') / 2)), /the link is cut short/],
    ['altered', 's=%%%not*a*link', /the link was altered/],
    ['enormous', `s=${'A'.repeat(1_100_000)}`, /the link is too long to open/],
  ];
  for (const [what, fragment, message] of broken) {
    // Timed in the page, from setting the fragment to the notice on screen.
    const millis = await page.evaluate(
      ([f, sel]) =>
        new Promise((resolve) => {
          const start = performance.now();
          location.hash = f;
          const check = () =>
            document.querySelector(sel) && location.hash === ''
              ? resolve(performance.now() - start)
              : requestAnimationFrame(check);
          check();
        }),
      [fragment, NOTICE],
    );
    const texts = (await noticeTexts(page)).join('\n');
    assert.match(texts, /the shared link could not be opened: /, what);
    assert.match(texts, message, what);
    assert.match(texts, /Nothing on screen was changed/, what);
    console.log(`measure: ${what} link (${fragment.length} characters) refused in ${millis.toFixed(0)} ms`);
    await expectDecision(page, 'Allow');
    assert.match(await page.inputValue(EDITOR), /"Bool": \{/, what);
    assert.deepEqual(await workspaceNames(page), ['Workspace 1', `${mfa.name}*`], what);
    if (what === 'cut') await page.screenshot({ path: path.join(SHOTS, 'iamsim-keep-broken-link.png') });
    for (const close of await page.$$(`${NOTICE} [aria-label="Dismiss"]`)) await close.click();
  }

  // A broken link at startup: the restored workspace, untouched.
  await page.goto(`${server.origin}/#s=AAAA`);
  await waitForApp(page);
  await expectDecision(page, 'Allow');
  assert.match((await noticeTexts(page)).join('\n'), /the shared link could not be opened: the link/);
  assert.deepEqual(await workspaceNames(page), ['Workspace 1', `${mfa.name}*`]);
  await finish();
});

// --- offline -------------------------------------------------------------------------------------

/** Waits until a service worker controls the page and has cached this build. */
async function waitForOfflineCopy(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
}


/** Evaluates `fn(arg)` in the page (awaiting its promise) until it is true, or fails. */
async function until(page, fn, arg, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(fn, arg))) {
    if (Date.now() > end) throw new Error(`not true within ${timeout} ms: ${fn}`);
    await page.waitForTimeout(200);
  }
}

async function cacheNames(page) {
  return page.evaluate(() => caches.keys());
}

test('offline: after a first visit the app loads and evaluates with the server stopped; a new build replaces the cache', async () => {
  // Its own copy of dist/ on its own server, which the test stops and changes.
  const site = await mkdtemp(path.join(os.tmpdir(), 'iamsim-offline-'));
  await cp(DIST, site, { recursive: true });
  let own = await startStaticServer(site);
  const origin = own.origin;
  const port = new URL(origin).port;
  const { context, page, finish } = await openContext({ origin });
  try {
    await page.goto(`${origin}/`);
    await waitForApp(page);
    await waitForOfflineCopy(page);
    const wasm = (await readdir(site)).find((f) => f.endsWith('_bg.wasm'));
    const hash = wasm.match(/-([0-9a-f]+)_bg\.wasm$/)[1];
    assert.deepEqual(await cacheNames(page), [`iamsim-${hash}`]);

    // Network off (Playwright's offline mode covers the worker's fetches too in this Chromium:
    // its network-first page fetch fails with ERR_INTERNET_DISCONNECTED).
    await context.setOffline(true);
    await page.reload();
    await waitForApp(page);
    await expectDecision(page, 'Allow');
    await context.setOffline(false);

    // Server stopped: the reload comes from the service worker's cache and the app evaluates.
    await own.close();
    const started = Date.now();
    await page.reload();
    await waitForApp(page);
    console.log(`measure: offline reload to a usable app ${Date.now() - started} ms`);
    await expectDecision(page, 'Allow');
    await typeOver(page, '"Effect": "Allow"', '"Effect": "Deny"');
    await expectDecision(page, 'ExplicitDeny');

    // A new build (new hashed names) on the same address: the next visit installs its worker,
    // which caches the new files and deletes the old cache; offline then serves the new build.
    const next = '00000000000000ff';
    for (const file of await readdir(site)) {
      if (file.includes(hash)) await rename(path.join(site, file), path.join(site, file.replace(hash, next)));
    }
    const html = await readFile(path.join(site, 'index.html'), 'utf8');
    await writeFile(path.join(site, 'index.html'), html.replaceAll(hash, next));
    own = await startStaticServer(site, Number(port));
    await page.reload();
    await waitForApp(page);
    // The new worker controls the page once it has cached the new build and deleted the old.
    // (waitForFunction does not await a promise the function returns: poll with evaluate.)
    await until(page, async (v) => {
      const reg = await navigator.serviceWorker.getRegistration();
      return (
        !reg?.installing &&
        !reg?.waiting &&
        reg?.active?.state === 'activated' &&
        reg.active.scriptURL.endsWith(`sw.js?v=${v}`) &&
        navigator.serviceWorker.controller?.scriptURL === reg.active.scriptURL &&
        (await caches.keys()).join() === `iamsim-${v}`
      );
    }, next);
    await own.close();
    await page.reload();
    await waitForApp(page);
    assert.equal(
      await page.evaluate(() => document.querySelector('meta[name="iamsim-wasm"]').dataset.wasm),
      `/iamsim-web-${next}_bg.wasm`,
    );
    // The workspace typed offline was kept.
    await expectDecision(page, 'ExplicitDeny');
    await finish();
  } finally {
    await own.close().catch(() => {});
    await rm(site, { recursive: true, force: true });
  }
});

// --- screenshots ---------------------------------------------------------------------------------

test('screenshots: the switcher and the notices, light, dark and narrow (420 px)', async () => {
  const full = () => {
    Storage.prototype.setItem = function setItem() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  };
  const shots = [
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['narrow', { colorScheme: 'light', viewport: { width: 420, height: 800 } }],
  ];
  for (const [name, options] of shots) {
    const { page, finish } = await openContext({ init: full, options });
    await page.goto(`${server.origin}/#s=AAAA`);
    await waitForApp(page);
    await openSwitcher(page);
    await page.click('[data-testid="workspace-new"]');
    await openSwitcher(page);
    const file = path.join(SHOTS, `iamsim-workspaces-${name}.png`);
    await page.screenshot({ path: file });
    console.log(`screenshot: ${file}`);
    assert.equal((await noticeTexts(page)).length, 2, 'the saving-off bar and the link notice');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
    await finish();
  }
});
