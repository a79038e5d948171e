// A tiny static file server for the end-to-end test: serves one folder on 127.0.0.1 at a free
// port, with the MIME types the page needs (application/wasm lets the browser stream-compile).

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Starts serving `root` (on `port`, default a free one); resolves to { origin, close() }. */
export async function startStaticServer(root, port = 0) {
  const base = path.resolve(root);
  await stat(path.join(base, 'index.html')).catch(() => {
    throw new Error(`${base}/index.html not found: run \`trunk build --release\` first`);
  });

  const server = createServer(async (req, res) => {
    try {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      const rel = decodeURIComponent(pathname).replace(/\/$/, '/index.html');
      const file = path.resolve(base, `.${rel}`);
      // Never serve outside the folder (a `..` in the URL).
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      const body = await readFile(file);
      const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    // Also drops the browser's idle keep-alive connections, which would hold close() open.
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
