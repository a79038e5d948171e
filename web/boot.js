// Starts the app from a file instead of Trunk's inline script, so that the page's
// Content-Security-Policy can forbid inline scripts. Trunk writes the hashed names of the
// wasm-bindgen glue and of the wasm module into the <meta> below (pattern_script in Trunk.toml).
const names = document.querySelector('meta[name="iamsim-wasm"]');
const { default: init } = await import(names.dataset.js);
await init({ module_or_path: names.dataset.wasm });
