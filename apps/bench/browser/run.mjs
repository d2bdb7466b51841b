// Browser benchmark of the threaded wasm build: bundles page.js, serves it with and without
// cross-origin isolation, runs it in headless Chromium per configuration, prints one line each.
// Usage: node apps/bench/browser/run.mjs   (after the packages are built; CHROMIUM=path overrides)
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_MS = 180_000;
// Rounds run the configurations interleaved and report medians: a shared 2-vCPU box is noisy.
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONFIGS = [
  { isolated: true, threads: 1 },
  { isolated: true, threads: 2 },
  { isolated: true, threads: 2, cores: 4 },
  { isolated: false, threads: 1 },
  { isolated: false, threads: 2, cores: 4 },
];

async function build() {
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild');
  // The .wasm files page.js loads are those of @rnnkit/backend's own tfjs-backend-wasm.
  const fromBackend = createRequire(require.resolve('@rnnkit/backend/package.json'));
  const wasmDist = dirname(fromBackend.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await esbuild.build({
    entryPoints: [join(here, 'page.js')],
    outfile: join(out, 'page.js'),
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
    '<!doctype html><meta charset="utf-8"><title>rnnkit wasm threads</title>' +
      '<script type="module" src="./page.js"></script>\n',
  );
}

async function runOne({ isolated, threads, cores }) {
  const server = await startServer({ root: out, isolated });
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
      `http://127.0.0.1:${server.port}/index.html?threads=${threads}` +
        (cores == null ? '' : `&cores=${cores}`),
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
    return { ...r, wasmFile: server.requested.find((u) => u.endsWith('.wasm')) ?? 'none' };
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

function line(config, runs) {
  const head =
    `isolated=${config.isolated ? 'yes' : 'no '} threads requested=${config.threads} ` +
    `hardwareConcurrency=${config.cores ?? 'real'}`;
  const failed = runs.find((r) => r.error);
  if (failed) return `${head}  ERROR ${failed.error.split('\n')[0]}`;
  const [r] = runs;
  const stepMs = median(runs.map((x) => x.stepMs));
  return (
    `${head}  crossOriginIsolated=${r.crossOriginIsolated} simd=${r.info.simd} ` +
    `threads=${r.info.threads} (${r.wasmFile.slice(1)})  ` +
    `matMul512=${median(runs.map((x) => x.matMul512Ms)).toFixed(1)} ms  ` +
    `trainStep=${stepMs.toFixed(0)} ms  ${Math.round(median(runs.map((x) => x.charsPerSec)))} chars/s ` +
    `(median of ${runs.length}: ${runs.map((x) => x.stepMs.toFixed(0)).join('/')} ms)`
  );
}

await build();
console.log('char LM: lstm H=128 V=65 B=32 T=64 adam; wasm backend, headless Chromium');
const results = CONFIGS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, config] of CONFIGS.entries()) results[i].push(await runOne(config));
}
for (const [i, config] of CONFIGS.entries()) console.log(line(config, results[i]));
