// The privacy check, end to end: the page asks nothing of any host but its own, and after it has
// loaded it asks nothing at all, however it is used (only the offline service worker fetches
// this build's own files). Also: the Content-Security-Policy in index.html forbids connections
// elsewhere, checked by reading it and by trying (fetch, image, WebSocket, worker) against a
// second local server, which must receive nothing.
//
// Run: node --test --test-reporter=spec tests/e2e/privacy.test.mjs   (after `trunk build --release`)
// Environment: DIST (default: dist/ at the repository root), CHROMIUM (default /usr/bin/chromium).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BANNER, DIST, EDITOR, expectDecision, launchChromium } from './browser.mjs';
import { startStaticServer } from './static-server.mjs';


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


test('after loading its own files the page makes no request, however it is used', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const requests = []; // every request of the page and of its service worker
  let loaded = false;
  context.on('request', (req) => {
    requests.push({ url: req.url(), fromWorker: Boolean(req.serviceWorker()), afterLoad: loaded });
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));

  await page.goto(`${server.origin}/`, { waitUntil: 'load' });
  await page.locator(BANNER).waitFor({ state: 'visible', timeout: 20_000 });
  // The offline copy is made once, on the first visit (web/sw.js): let it finish.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await page.waitForLoadState('networkidle');
  loaded = true;

  // Use it: type a policy, evaluate, load an example, open the trace, save and switch
  // workspaces, switch the theme.
  const editor = page.locator(EDITOR);
  await editor.evaluate((el) => {
    el.focus();
    el.setSelectionRange(0, el.value.length);
  });
  await page.keyboard.type(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}]}',
  );
  await expectDecision(page, 'ExplicitDeny');
  await page.fill('[data-testid="request-action"]', 'ecr:BatchGetImage');
  await page.click('[data-testid="examples-toggle"]');
  await page.click('[data-testid="example-kms-key-policy"]');
  await page.click('[data-testid="workspaces-toggle"]');
  await page.click('[data-testid="workspace-new"]');
  await expectDecision(page, 'Allow');
  await page.click('[data-testid="workspaces-toggle"]');
  await page.click('[data-testid="workspace-item"][data-name="Workspace 1"] [data-testid="workspace-duplicate"]');
  await page.click('[data-testid="workspaces-toggle"]');
  await page.click('[data-testid="workspace-item"][data-name="Workspace 2"] [data-testid="workspace-switch"]');
  await page.click('[data-testid="theme-dark"]');
  await page.waitForTimeout(1_000); // the delayed save, and anything else that might be sent late
  await page.waitForLoadState('networkidle');

  const foreign = requests.filter((r) => new URL(r.url).origin !== server.origin);
  assert.deepEqual(foreign, [], 'requests to other hosts');
  const late = requests.filter((r) => r.afterLoad && !r.fromWorker);
  assert.deepEqual(late, [], 'requests after the page had loaded');
  // The worker only ever fetches files this build names (index.html and its hashed assets).
  const html = await readFile(path.join(DIST, 'index.html'), 'utf8');
  for (const r of requests.filter((r) => r.fromWorker)) {
    const { pathname } = new URL(r.url);
    assert.ok(pathname === '/' || pathname === '/sw.js' || html.includes(`"${pathname}"`), `the worker fetched ${r.url}`);
  }
  assert.ok(requests.length > 0, 'requests were recorded at all');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the Content-Security-Policy forbids connections to other hosts, and the browser enforces it', async () => {
  const html = await readFile(path.join(DIST, 'index.html'), 'utf8');
  const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1];
  assert.ok(csp, 'a CSP meta tag in index.html');
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]),
  );
  const selfOrNone = (name) => {
    const values = directives[name] ?? directives['default-src'];
    assert.ok(values, `${name} (or default-src) is set`);
    assert.ok(values.every((v) => v === "'self'" || v === "'none'" || v === "'wasm-unsafe-eval'"), `${name}: ${values.join(' ')}`);
  };
  assert.ok(["'self'", "'none'"].includes(directives['default-src']?.[0]), 'default-src is self or none');
  for (const name of ['default-src', 'connect-src', 'script-src', 'img-src', 'style-src', 'worker-src', 'font-src', 'media-src', 'frame-src']) {
    selfOrNone(name);
  }

  // Another origin that would answer: the page must not reach it.
  const hits = [];
  const other = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const elsewhere = `http://127.0.0.1:${other.address().port}`;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/`);
  await page.locator(BANNER).waitFor({ state: 'visible', timeout: 20_000 });
  const blocked = await page.evaluate(async (url) => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const outcome = [];
    outcome.push(await fetch(`${url}/fetch`).then(() => 'fetched', () => 'refused'));
    outcome.push(
      await new Promise((resolve) => {
        const img = new Image();
        img.onload = () => resolve('loaded');
        img.onerror = () => resolve('refused');
        img.src = `${url}/image.png`;
      }),
    );
    try {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket`);
      outcome.push(await new Promise((resolve) => {
        ws.onopen = () => resolve('opened');
        ws.onerror = () => resolve('refused');
      }));
    } catch {
      outcome.push('refused');
    }
    await new Promise((r) => setTimeout(r, 200));
    return { outcome, violations };
  }, elsewhere);
  await context.close();
  await new Promise((resolve) => other.close(resolve));
  assert.deepEqual(blocked.outcome, ['refused', 'refused', 'refused']);
  assert.ok(blocked.violations.includes('connect-src'), `violations: ${blocked.violations}`);
  assert.ok(blocked.violations.includes('img-src'), `violations: ${blocked.violations}`);
  assert.deepEqual(hits, [], 'the other host received requests');
});
