#!/usr/bin/env node
// `pnpm bench:web`: the app's training throughput in its Web Worker against the same training
// under plain Node, in one run, on this machine; plus the longest main-thread task during
// training, the bytes of the production build and the time to interactive.
//   ROUNDS=3 STEPS=12 node apps/web/scripts/bench-web.mjs   (after `pnpm build`)
// Configuration: LSTM h128, 1 layer, B32 T64, Adam, wasm, on the built-in sample, measured by
// @rnnkit/trainer's own chars/s (step events, evaluations excluded) on both sides.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@rnnkit/backend';
import { adam } from '@rnnkit/optim';
import { createCharLM, createTrainer, disposeCharLM, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { makeSample } from '../build/make-sample.mjs';
import { openApp, openSession, pageHealth, traceMainThread } from '../e2e/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const STEPS = Number(process.env.STEPS ?? 12);
const CONFIG = {
  cell: 'lstm',
  hiddenSize: 128,
  numLayers: 1,
  batchSize: 32,
  seqLength: 64,
  learningRate: 0.01,
  optimizer: 'adam',
  seed: 0,
  valFraction: 0.05,
  sampleLength: 0,
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function nodeRun(text) {
  const trainer = createTrainer(text, { ...CONFIG, steps: STEPS, evalEvery: STEPS });
  let rate = 0;
  for await (const e of trainer.run()) if (e.type === 'step') rate = e.charsPerSec;
  trainer.dispose();
  return rate;
}

/**
 * `pnpm bench`'s own measurement of the same row (apps/bench's rnnkit runner, re-stated with
 * public exports): bare `trainStep` on fixed random ids, vocabulary 65, Adam, no batching.
 */
function benchMethodRun() {
  const [V, B, T] = [65, 32, 64];
  let s = 1;
  const ids = Int32Array.from({ length: B * (T + 1) }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return (s >>> 8) % V;
  });
  const model = createCharLM(
    { vocabSize: V, cell: 'lstm', hiddenSize: 128, numLayers: 1 },
    { seed: 0 },
  );
  const data = tf.tensor2d(ids, [B, T + 1], 'int32');
  const x = tf.slice(data, [0, 0], [B, T]);
  const y = tf.slice(data, [0, 1], [B, T]);
  const optimizer = adam({ learningRate: 0.002 });
  const step = () => {
    const r = trainStep(model, optimizer, x, y);
    r.loss.dataSync();
    tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c]);
  };
  step(); // warm-up, as pnpm bench does
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const rate = (B * T * STEPS * 1000) / (performance.now() - t0);
  tf.dispose([data, x, y]);
  optimizer.dispose();
  disposeCharLM(model);
  return rate;
}

async function pageRun(session) {
  const { page, problems } = await openApp(session);
  await page.selectOption('#preset', 'book');
  await page.waitForFunction(() =>
    (document.getElementById('text-info')?.textContent ?? '').includes('characters'),
  );
  const set = async (name, value) => page.fill(`#model-form [name=${name}]`, String(value));
  for (const [k, v] of Object.entries({
    hiddenSize: 128,
    numLayers: 1,
    batchSize: 32,
    seqLength: 64,
    learningRate: 0.01,
    seed: 0,
    valFraction: 0.05,
    steps: STEPS,
    evalEvery: STEPS,
  })) {
    await set(k, v);
  }
  // One thread, like the Node runs it is compared with (auto would start a second worker here).
  await page.selectOption('#workers', '1');
  await page.evaluate(() => {
    window.__longTasks.length = 0;
  });
  const trace = await traceMainThread(page, async () => {
    await page.click('#start');
    await page.waitForSelector('body[data-phase="done"]', { timeout: 600_000 });
  });
  const speed = (await page.textContent('#stat-speed')) ?? '';
  const rate = Number(speed.replace(/[^0-9]/g, ''));
  const { longTasks } = await pageHealth(page);
  const tti = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      domInteractive: nav.domInteractive,
      ready: Number(document.body.dataset.readyAt ?? Number.NaN),
    };
  });
  await page.close();
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { rate, trace, longestObserved: Math.max(0, ...longTasks), tti };
}

function bundleBytes() {
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push({ path: relative(dist, p), bytes: statSync(p).size });
    }
  };
  walk(dist);
  const sum = (pred) => files.filter(pred).reduce((n, f) => n + f.bytes, 0);
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const firstScreen = files.filter(
    (f) => f.path === 'index.html' || html.includes(f.path.replace(/\\/g, '/')),
  );
  return {
    js: sum((f) => extname(f.path) === '.js'),
    wasm: sum((f) => extname(f.path) === '.wasm'),
    simdWasm: sum((f) => f.path.endsWith('tfjs-backend-wasm-simd.wasm')),
    css: sum((f) => extname(f.path) === '.css'),
    firstScreen: firstScreen.reduce((n, f) => n + f.bytes, 0),
    firstScreenFiles: firstScreen.map((f) => f.path),
  };
}

const text = makeSample();
await initBackend({ backend: 'wasm' });
const session = await openSession();
const node = [];
const bench = [];
const page = [];
try {
  for (let r = 0; r < ROUNDS; r++) {
    node.push(await nodeRun(text));
    bench.push(benchMethodRun());
    page.push(await pageRun(session));
    process.stderr.write(
      `round ${r + 1}/${ROUNDS}: node trainer ${Math.round(node.at(-1))}, node bench-style ${Math.round(bench.at(-1))}, page ${page.at(-1).rate} chars/s\n`,
    );
  }
} finally {
  await session.close();
}
const nodeRate = median(node);
const pageRate = median(page.map((p) => p.rate));
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const b = bundleBytes();
console.log(
  `LSTM h128 B32 T64, wasm, ${STEPS} steps, median of ${ROUNDS} interleaved rounds; load ${(loadavg()[0] / availableParallelism()).toFixed(1)} per core`,
);
console.log(
  `  Node (plain, @rnnkit/trainer):   ${Math.round(nodeRate)} chars/s  (${node.map(Math.round).join(' / ')})`,
);
const benchRate = median(bench);
console.log(
  `  Node, pnpm bench's method:       ${Math.round(benchRate)} chars/s  (${bench.map(Math.round).join(' / ')})`,
);
console.log(
  `  page worker (Chromium):          ${Math.round(pageRate)} chars/s  (${page.map((p) => p.rate).join(' / ')})`,
);
console.log(
  `  page / Node:                     ${((100 * pageRate) / nodeRate).toFixed(0)}% (same trainer), ${((100 * pageRate) / benchRate).toFixed(0)}% (pnpm bench's method)`,
);
console.log(
  `  longest main-thread task:        ${median(page.map((p) => p.trace.longestCpuMs)).toFixed(1)} ms CPU, ${median(page.map((p) => p.trace.longestWallMs)).toFixed(1)} ms wall (trace); longtask observer ${median(page.map((p) => p.longestObserved))} ms`,
);
console.log(
  `  time to interactive:             DOM interactive ${median(page.map((p) => p.tti.domInteractive)).toFixed(0)} ms, training worker ready ${median(page.map((p) => p.tti.ready)).toFixed(0)} ms`,
);
console.log(
  `  bundle: first screen ${kb(b.firstScreen)} (${b.firstScreenFiles.join(', ')}); all JS ${kb(b.js)}, CSS ${kb(b.css)}, wasm ${kb(b.wasm)} (a page with one wasm thread loads simd, ${kb(b.simdWasm)})`,
);
