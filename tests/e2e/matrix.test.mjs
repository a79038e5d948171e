// End-to-end test of the request matrix (issue #7, product.md item 11) against the release build
// (dist/) served on loopback, in Debian's headless Chromium:
//   load the one-repository example → open the Matrix view → `ecr:*` × 3 resources = 192 cells,
//   each decision checked against what the example's policy says → hover names the deciding
//   statement → edit the policy (cells change, ExplicitDeny included) → click cells and find
//   their request and the same decision in the main view.
// Also: screenshots (light, dark, 420 px) into $SHOTS, and the re-evaluation time of the 64 × 3
// matrix, printed as a `measure:` line (median over keystrokes: from the key event to the
// matrix's DOM updated, to the next frame, and the evaluation alone).
//
// Run: node --test --test-reporter=spec tests/e2e/matrix.test.mjs   (after `trunk build --release`)
// Environment: DIST (default dist/), CHROMIUM (default /usr/bin/chromium), SHOTS (default /tmp).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BANNER, DIST, EDITOR, launchChromium, loadExample, openCheckedPage } from './browser.mjs';
import { startStaticServer } from './static-server.mjs';

const SHOTS = process.env.SHOTS ?? '/tmp';
const STRICT = process.env.IAMSIM_STRICT_BUDGETS === '1';
const here = path.dirname(fileURLToPath(import.meta.url));

const VIEW = '[data-testid="matrix-view"]';
const CELL = '[data-testid="matrix-cell"]';

const MY_REPO = 'arn:aws:ecr:us-east-1:111122223333:repository/my-repo';
const OTHER_REPO = 'arn:aws:ecr:us-east-1:111122223333:repository/other-repo';
const RESOURCES = [MY_REPO, OTHER_REPO, '*'];

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

/** A guarded page of the app (see `openCheckedPage`); `options` go to the browser context. */
const openPage = (options = {}) => openCheckedPage(browser, server.origin, { context: options });


/** The matrix of the one-repository example: `ecr:*` × RESOURCES, once 192 cells are drawn. */
async function openMatrix(page) {
  await loadExample(page, 'ecr-single-repository');
  await page.click('[data-testid="view-matrix"]');
  await page.locator(VIEW).waitFor({ state: 'visible' });
  await page.fill('[data-testid="matrix-actions"]', 'ecr:*');
  await page.fill('[data-testid="matrix-resources"]', RESOURCES.join('\n'));
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 192, CELL);
}

/** Every cell as `action resource` → decision. */
async function cells(page) {
  const list = await page.$$eval(CELL, (els) =>
    els.map((e) => [e.dataset.action, e.dataset.resource, e.dataset.decision]),
  );
  return new Map(list.map(([a, r, d]) => [`${a} ${r}`, d]));
}

/** What the example's identity policy grants, read from the example itself: its Allow statements
 *  name literal actions and either `*` or one repository, and nothing denies. */
async function expectedAllows() {
  const file = path.join(here, '..', 'corpus', 'examples', 'ecr-single-repository.json');
  const scenario = JSON.parse(await readFile(file, 'utf8'));
  const allowed = new Set();
  for (const policy of scenario.policies.identity) {
    for (const s of policy.document.Statement) {
      assert.equal(s.Effect, 'Allow');
      for (const action of [s.Action].flat()) {
        // `Resource: "*"` matches every resource; an ARN matches itself (no wildcards in it).
        for (const resource of RESOURCES) {
          if (s.Resource === '*' || s.Resource === resource) allowed.add(`${action} ${resource}`);
        }
      }
    }
  }
  return allowed;
}

/** The cell button of one action and resource. */
function cellOf(page, action, resource) {
  return page.locator(`${CELL}[data-action="${action}"][data-resource="${resource}"]`);
}

async function waitForCell(page, action, resource, decision) {
  await page.waitForFunction(
    ([sel, d]) => document.querySelector(sel)?.dataset.decision === d,
    [`${CELL}[data-action="${action}"][data-resource="${resource}"]`, decision],
    { timeout: 5_000 },
  );
}

/** Selects `needle` in the editor's textarea (its first occurrence after `after`), as a person
 *  would by dragging; `collapse` puts the caret at the end of it instead. */
async function selectInEditor(page, needle, { after = '', collapse = false } = {}) {
  const found = await page.locator(EDITOR).evaluate((el, [n, a, c]) => {
    const from = el.value.indexOf(a);
    const at = from < 0 ? -1 : el.value.indexOf(n, from);
    if (at < 0) return false;
    el.focus();
    if (c) el.setSelectionRange(at + n.length, at + n.length);
    else el.setSelectionRange(at, at + n.length);
    return true;
  }, [needle, after, collapse]);
  assert.ok(found, `"${needle}" is in the editor`);
}

/** Turns the GetAuthorizationToken statement of the example into a Deny, by typing. */
async function denyAuthorizationToken(page) {
  await selectInEditor(page, 'Allow', { after: '"Sid": "GetAuthorizationToken"' });
  await page.keyboard.type('Deny');
  for (const r of RESOURCES) await waitForCell(page, 'ecr:GetAuthorizationToken', r, 'ExplicitDeny');
}

test('the matrix on ecr:*: 192 cells as the policy says, live edits, a click opens the request', async () => {
  const { page, finish } = await openPage();
  await openMatrix(page);

  // `ecr:*` expands through the catalog to every ECR action.
  assert.equal(await page.getAttribute('[data-testid="matrix-action-count"]', 'data-count'), '64');
  assert.equal(await page.locator('[data-testid="matrix-row"]').count(), 64);
  assert.equal(await page.locator('[data-testid="matrix-column"]').count(), 3);

  // Every cell: Allow exactly where the example's policy allows, ImplicitDeny elsewhere.
  const allowed = await expectedAllows();
  const got = await cells(page);
  assert.equal(got.size, 192);
  for (const [key, decision] of got) {
    assert.equal(decision, allowed.has(key) ? 'Allow' : 'ImplicitDeny', key);
  }
  const count = (d) => page.getAttribute(`[data-testid="matrix-count-${d}"]`, 'data-count');
  assert.equal(await count('allow'), String(allowed.size));
  assert.equal(allowed.size, 14, '11 actions on my-repo, GetAuthorizationToken on all three');
  assert.equal(await count('explicit'), '0');
  assert.equal(await count('implicit'), String(192 - allowed.size));

  // Hover: the deciding layer and statement.
  await cellOf(page, 'ecr:PutImage', MY_REPO).hover();
  const detail = page.locator('[data-testid="matrix-detail"]');
  assert.match(await detail.textContent(), /identity-based policies: statement ManageRepositoryContents of MyRepoReadWrite allows the request/);
  const title = await cellOf(page, 'ecr:DeleteRepository', MY_REPO).getAttribute('title');
  assert.match(title, /^Denied implicitly: ecr:DeleteRepository on .*\nidentity-based policies: no statement/);

  // The keyboard: arrow keys move between cells, and focus shows the detail as hovering does.
  await cellOf(page, 'ecr:PutImage', OTHER_REPO).focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  const focused = await page.evaluate(() => [document.activeElement.dataset.action, document.activeElement.dataset.resource]);
  assert.deepEqual(focused, ['ecr:PutImage', MY_REPO]);
  assert.match(await detail.textContent(), /ecr:PutImage on arn:aws:ecr:us-east-1:111122223333:repository\/my-repo/);
  // The grid is one Tab stop: Tab leaves it at once, Shift+Tab comes back to the cell last focused.
  const onCell = () => page.evaluate(() => document.activeElement?.dataset.testid === 'matrix-cell');
  await page.keyboard.press('Tab');
  assert.equal(await onCell(), false, 'Tab leaves the grid');
  await page.keyboard.press('Shift+Tab');
  const back = await page.evaluate(() => [document.activeElement.dataset.action, document.activeElement.dataset.resource]);
  assert.deepEqual(back, ['ecr:PutImage', MY_REPO]);
  assert.equal(await page.locator('[data-testid="matrix-cell"][tabindex="0"]').count(), 1);

  // Edit the policy: ecr:PutImage → ecr:PutImageX. The cell follows at once.
  await selectInEditor(page, '"ecr:PutImage', { collapse: true });
  await page.keyboard.type('X');
  await waitForCell(page, 'ecr:PutImage', MY_REPO, 'ImplicitDeny');
  assert.equal(await count('allow'), String(allowed.size - 1));
  // The GetAuthorizationToken statement becomes a Deny: three ExplicitDeny cells.
  await denyAuthorizationToken(page);
  assert.equal(await count('explicit'), '3');
  await cellOf(page, 'ecr:GetAuthorizationToken', '*').hover();
  assert.match(await detail.textContent(), /statement GetAuthorizationToken of MyRepoReadWrite denies the request/);

  // Click cells: the main view shows that request, with the cell's decision.
  const inputs = await page.inputValue('[data-testid="matrix-resources"]');
  for (const [action, resource, decision] of [
    ['ecr:ListImages', MY_REPO, 'Allow'],
    ['ecr:PutImage', MY_REPO, 'ImplicitDeny'],
    ['ecr:GetAuthorizationToken', '*', 'ExplicitDeny'],
    ['ecr:BatchGetImage', OTHER_REPO, 'ImplicitDeny'],
  ]) {
    if (!(await page.isVisible(VIEW))) await page.click('[data-testid="view-matrix"]');
    assert.equal(await cellOf(page, action, resource).getAttribute('data-decision'), decision);
    await cellOf(page, action, resource).click();
    await page.locator(VIEW).waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('[data-testid="request-action"]'), action);
    assert.equal(await page.inputValue('[data-testid="request-resource"]'), resource);
    assert.equal(await page.getAttribute(BANNER, 'data-decision'), decision, `${action} on ${resource}`);
  }
  // Back in the matrix, the inputs are as they were.
  await page.click('[data-testid="view-matrix"]');
  assert.equal(await page.inputValue('[data-testid="matrix-resources"]'), inputs);
  assert.equal(await page.locator(CELL).count(), 192);
  await finish();
});

test('unknown actions and patterns that match nothing are said plainly', async () => {
  const { page, finish } = await openPage();
  await page.click('[data-testid="view-matrix"]');
  await page.fill('[data-testid="matrix-actions"]', 'ecr:PutImag, ecr:Nope*, ecr:Get*');
  const problems = await page.locator('[data-testid="matrix-problem"]').allTextContents();
  assert.deepEqual(problems, [
    'ecr:PutImag is not in the catalog (did you mean ecr:PutImage?): it is evaluated as written',
    'ecr:Nope* matches no action',
  ]);
  assert.equal(await page.getAttribute('[data-testid="matrix-action-count"]', 'data-count'), '11');
  // The resource types of these actions are offered as lines to add.
  await page.fill('[data-testid="matrix-resources"]', '');
  await page.locator('[data-testid="matrix-resource-offer"][data-example*=":repository/"]').first().click();
  assert.match(await page.inputValue('[data-testid="matrix-resources"]'), /^arn:aws:ecr:us-east-1:111122223333:repository\/repository-name$/);
  assert.equal(await page.locator(CELL).count(), 11);
  await finish();
});

test('screenshots of the matrix: light, dark, narrow (420 px)', async () => {
  for (const [name, options] of [
    ['light', { colorScheme: 'light' }],
    ['dark', { colorScheme: 'dark' }],
    ['narrow', { colorScheme: 'light', viewport: { width: 420, height: 900 } }],
  ]) {
    const { page, finish } = await openPage(options);
    await openMatrix(page);
    await denyAuthorizationToken(page);
    // Focus shows the detail as hovering does (a hover at 420 px would scroll the grid first).
    await cellOf(page, 'ecr:GetAuthorizationToken', MY_REPO).focus();
    if (name === 'narrow') await page.locator('[data-testid="matrix-detail"]').evaluate((el) => el.scrollIntoView());
    const file = path.join(SHOTS, `iamsim-matrix-${name}.png`);
    await page.screenshot({ path: file });
    console.log(`screenshot: ${file}`);
    // The page never scrolls sideways; the grid scrolls inside its own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than the viewport`);
    await finish();
  }
});

test('measure: re-evaluation of the 64 × 3 matrix after a policy edit', async () => {
  const { page, finish } = await openPage();
  await openMatrix(page);
  // The caret after `ecr:PutImage` in the policy: "X" breaks it (the cell turns ImplicitDeny),
  // Backspace restores it (Allow). Timed in the page from the key event's timestamp to the
  // matrix's DOM update (its data-revision attribute changes once the new cells are in place)
  // and to the next frame.
  await selectInEditor(page, '"ecr:PutImage', { collapse: true });
  await page.evaluate((sel) => {
    window.__mx = [];
    let pressed = null;
    document.addEventListener('keydown', (e) => { pressed = e.timeStamp; }, { capture: true });
    new MutationObserver(() => {
      if (pressed === null) return;
      const t0 = pressed;
      pressed = null;
      const dom = performance.now() - t0;
      const evalMs = Number(document.querySelector(sel).dataset.evalMs);
      requestAnimationFrame(() => setTimeout(() => window.__mx.push({ dom, frame: performance.now() - t0, evalMs }), 0));
    }).observe(document.querySelector(sel), { attributes: true, attributeFilter: ['data-revision'] });
  }, VIEW);
  const rounds = 20;
  for (let i = 0; i < rounds; i++) {
    const typing = i % 2 === 0;
    await page.keyboard.press(typing ? 'X' : 'Backspace');
    await waitForCell(page, 'ecr:PutImage', MY_REPO, typing ? 'ImplicitDeny' : 'Allow');
  }
  await page.waitForFunction((n) => window.__mx.length >= n, rounds);
  const lat = await page.evaluate(() => window.__mx);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
  const dom = lat.map((l) => l.dom);
  const frame = lat.map((l) => l.frame);
  const evals = lat.map((l) => l.evalMs);
  console.log(
    `measure: matrix 64 × 3 = 192 cells, re-evaluated after a policy keystroke (${rounds} keystrokes): ` +
      `DOM updated median ${median(dom).toFixed(1)} ms (p90 ${p90(dom).toFixed(1)} ms), ` +
      `next frame median ${median(frame).toFixed(1)} ms; evaluation alone median ${median(evals).toFixed(2)} ms ` +
      `(p90 ${p90(evals).toFixed(2)} ms)`,
  );
  if (STRICT) assert.ok(median(dom) < 50, `matrix keystroke → DOM under 50 ms (median ${median(dom).toFixed(1)} ms)`);
  await finish();
});
