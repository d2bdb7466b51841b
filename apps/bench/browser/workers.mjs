// Data-parallel training in headless Chromium: bundles workers-page.js and the trainer's
// `@rnnkit/trainer/train-worker` entry (module Web Workers), serves them cross-origin isolated
// (COOP/COEP, so weights and gradients travel in SharedArrayBuffers), then
//   1. checks on cpu that 2 workers give the 1-worker weights within 1e-5 relative and repeat
//      bit for bit, and
//   2. times LSTM h128 B32 T64 on wasm (SIMD kernels on) with 1 and 2 workers, interleaved.
// Usage: node apps/bench/browser/workers.mjs   (after `pnpm build`; CHROMIUM=path, ROUNDS=n,
// STEPS=n, CHECK_STEPS=n override). apps/bench/browser/workers.itest.ts runs the check alone.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist-workers');
const TIMEOUT_MS = 300_000;

/** Bundles the page and the worker entry into `dist-workers/` with tfjs's .wasm files. */
export async function buildWorkersPage() {
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild');
  const fromBackend = createRequire(require.resolve('@rnnkit/backend/package.json'));
  const wasmDist = dirname(fromBackend.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const fromTrainer = createRequire(require.resolve('@rnnkit/trainer/package.json'));
  const trainerDir = dirname(fromTrainer.resolve('@rnnkit/trainer/package.json'));
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await esbuild.build({
    entryPoints: {
      'workers-page': join(here, 'workers-page.js'),
      // The package's `./train-worker` export, as a bundled app would build it.
      'train-worker': join(trainerDir, 'dist/train/parallel/train-worker.js'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
  });
  for (const f of await readdir(join(wasmDist, 'dist'))) {
    if (f.endsWith('.wasm')) await copyFile(join(wasmDist, 'dist', f), join(out, f));
  }
  await writeFile(
    join(out, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>rnnkit data-parallel workers</title>' +
      '<script type="module" src="./workers-page.js"></script>\n',
  );
}

/** Opens index.html?query in headless Chromium on a cross-origin-isolated server; its result. */
export async function runWorkersPage(query) {
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const server = await startServer({ root: out, isolated: true });
  const profile = await mkdtemp(join(tmpdir(), 'rnnkit-chromium-'));
  const browser = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `http://127.0.0.1:${server.port}/index.html?${query}`,
    ],
    { stdio: 'ignore', detached: true },
  );
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(
      () => resolve({ error: `no result within ${TIMEOUT_MS / 1000}s` }),
      TIMEOUT_MS,
    );
  });
  const exited = new Promise((resolve) => {
    browser.on('error', (error) =>
      resolve({ error: `cannot start ${chromium}: ${error.message}` }),
    );
    browser.on('exit', (code) => resolve({ error: `chromium exited early (code ${code})` }));
  });
  try {
    const r = await Promise.race([server.result, timeout, exited]);
    return { ...r, requested: server.requested };
  } finally {
    clearTimeout(timer);
    try {
      process.kill(-browser.pid, 'SIGKILL'); // the browser and the helper processes it started
    } catch {}
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main() {
  await buildWorkersPage();
  const check = await runWorkersPage(`mode=check&steps=${process.env.CHECK_STEPS ?? 30}`);
  if (check.error) throw new Error(`check: ${check.error}`);
  console.log(
    `cpu, ${check.steps} steps (LSTM h16×2, dropout 0.1, B6 T8): workers ${check.workers.join('/')}; ` +
      `2 vs 1 worker max relative diff ${check.relativeDiff.toExponential(2)} ` +
      `(${check.relativeDiff <= 1e-5 ? 'ok' : 'FAIL'}: ≤ 1e-5); ` +
      `2 vs 2 ${check.repeatDiff === 0 ? 'bit-identical' : `differ ${check.repeatDiff}`}; ` +
      `crossOriginIsolated=${check.crossOriginIsolated}`,
  );
  const rounds = Number(process.env.ROUNDS ?? 3);
  const steps = Number(process.env.STEPS ?? 8);
  const counts = [1, 2];
  const runs = counts.map(() => []);
  console.log(`load average before: ${load()}`);
  for (let round = 0; round < rounds; round++) {
    for (const [i, w] of counts.entries()) {
      const r = await runWorkersPage(`mode=speed&workers=${w}&steps=${steps}`);
      if (r.error) throw new Error(`speed workers=${w}: ${r.error}`);
      runs[i].push(r);
    }
  }
  console.log(`load average after: ${load()}`);
  console.log('train LSTM h128 V65 B32 T64 adam; wasm, headless Chromium, cross-origin isolated');
  for (const [i, w] of counts.entries()) {
    const rs = runs[i];
    const [r] = rs;
    console.log(
      `workers=${w} (ran ${r.workers}) simd=${r.info.simd} simdKernels=${r.simdKernels} ` +
        `tfjsThreads=${r.info.threads} hardwareConcurrency=${r.hardwareConcurrency}  ` +
        `${Math.round(median(rs.map((x) => x.charsPerSec)))} chars/s ` +
        `(median of ${rs.length}: ${rs.map((x) => Math.round(x.charsPerSec)).join('/')})`,
    );
  }
  const ratio =
    median(runs[1].map((x) => x.charsPerSec)) / median(runs[0].map((x) => x.charsPerSec));
  console.log(`2 workers / 1 worker: ${ratio.toFixed(2)}×`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
