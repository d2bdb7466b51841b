// Serves (dev) and emits (build) the two kinds of files the app fetches at run time rather
// than bundles: tfjs's .wasm binaries, copied from the installed @tensorflow/tfjs-backend-wasm
// so no CDN is involved, and the built-in sample text, made by make-sample.mjs.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { makeSample } from './make-sample.mjs';

export const WASM_DIR = 'tfjs-wasm';
export const SAMPLE_FILE = 'samples/book-of-numbers.txt';

function wasmFiles() {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  return readdirSync(dist)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => ({ name: `${WASM_DIR}/${f}`, path: join(dist, f) }));
}

/** @returns {import('vite').Plugin} */
export function runtimeAssets() {
  return {
    name: 'rnnkit-runtime-assets',
    configureServer(server) {
      const files = new Map(wasmFiles().map((f) => [`/${f.name}`, f.path]));
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        if (files.has(url)) {
          res.setHeader('Content-Type', 'application/wasm');
          res.end(readFileSync(files.get(url)));
        } else if (url === `/${SAMPLE_FILE}`) {
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(makeSample());
        } else next();
      });
    },
    generateBundle() {
      for (const f of wasmFiles()) {
        this.emitFile({ type: 'asset', fileName: f.name, source: readFileSync(f.path) });
      }
      this.emitFile({ type: 'asset', fileName: SAMPLE_FILE, source: makeSample() });
    },
  };
}
