// The offline service worker. After the first visit it keeps this build's files in a cache and
// serves them when the network is off. Nothing here talks to any other origin.
//
// Versioning: boot.js registers `sw.js?v=<hashed wasm file name>`. A new build has a new wasm
// hash, so the browser installs a new worker with its own cache (`iamsim-<v>`) and deletes the
// older ones when it activates.
//   - install: fetch index.html from the network, read the files it names (Trunk's hashed
//     JS, wasm, CSS, icon), cache them all with it.
//   - fetch: page loads (navigations) go to the network first, falling back to the cached
//     index.html; the hashed files come from the cache first (a hash names one content forever).
//   - anything not cached goes to the network, untouched.

const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const CACHE = `iamsim-${VERSION}`;
const SCOPE = new URL(self.registration.scope);
const INDEX = new URL('./', SCOPE).href;

// The same-origin files an index.html names (href, src and the boot meta's data-js / data-wasm).
function assetsOf(html) {
  const found = new Set();
  for (const match of html.matchAll(/\b(?:href|src|data-js|data-wasm)="([^"]+)"/g)) {
    const url = new URL(match[1], SCOPE);
    if (url.origin === SCOPE.origin && url.href !== INDEX) found.add(url.href);
  }
  return [...found];
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      try {
        const response = await fetch(INDEX, { cache: 'no-store' });
        if (!response.ok) throw new Error(`index.html: HTTP ${response.status}`);
        const html = await response.clone().text();
        const cache = await caches.open(CACHE);
        await cache.addAll(assetsOf(html).map((url) => new Request(url, { cache: 'no-store' })));
        await cache.put(INDEX, response);
      } catch (err) {
        // A half-made copy must not linger: this worker is discarded, the next visit retries,
        // and the previous worker keeps serving its complete copy meanwhile.
        await caches.delete(CACHE);
        throw err;
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('iamsim-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== SCOPE.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(INDEX, { cacheName: CACHE })) || Response.error()),
    );
    return;
  }
  event.respondWith(
    (async () => (await caches.match(request, { cacheName: CACHE, ignoreSearch: false })) || fetch(request))(),
  );
});
