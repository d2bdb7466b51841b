import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Serves `root` on 127.0.0.1 (a free port), with or without the cross-origin-isolation headers
 * (COOP/COEP) that SharedArrayBuffer, and so tfjs's threaded wasm build, need. A POST to /result
 * resolves `result` with the page's JSON.
 */
export async function startServer({ root, isolated }) {
  let deliver;
  const result = new Promise((resolve) => {
    deliver = resolve;
  });
  const requested = [];
  const server = createServer(async (req, res) => {
    requested.push(req.url);
    const headers = isolated
      ? {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        }
      : {};
    if (req.method === 'POST' && req.url === '/result') {
      let body = '';
      for await (const chunk of req) body += chunk;
      res.writeHead(204, headers).end();
      deliver(JSON.parse(body));
      return;
    }
    const path = normalize(new URL(req.url, 'http://x').pathname).replace(/^[/\\]+/, '');
    try {
      const bytes = await readFile(join(root, path || 'index.html'));
      const type = TYPES[extname(path || 'index.html')] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type }).end(bytes);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, result, requested, close: () => server.close() };
}
