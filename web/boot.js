// Starts the app from a file instead of Trunk's inline script, so that the page's
// Content-Security-Policy can forbid inline scripts. Trunk writes the hashed names of the
// wasm-bindgen glue and of the wasm module into the <meta> below (pattern_script in Trunk.toml).
const names = document.querySelector('meta[name="iamsim-wasm"]');
const { default: init } = await import(names.dataset.js);
await init({ module_or_path: names.dataset.wasm });

// Offline: the service worker (web/sw.js, docs/playground.md), versioned by the wasm's hashed
// name so that each build gets its own cache. Only where browsers allow it; never fatal.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  // `/iamsim-web-<hash>_bg.wasm` → `<hash>`: a new build, a new worker and cache.
  const version = names.dataset.wasm.match(/-([0-9a-f]+)_bg\.wasm$/)?.[1] ?? 'dev';
  navigator.serviceWorker
    .register(new URL(`sw.js?v=${encodeURIComponent(version)}`, import.meta.url))
    .catch((err) => console.warn('iamsim: offline copy not available:', err.message));
}
