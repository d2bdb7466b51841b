// Runs in the browser page: rnnkit's data-parallel training with module Web Workers (the
// `@rnnkit/trainer/train-worker` entry, bundled beside this file) and posts the result back.
//   ?mode=check&steps=N   cpu: weights after N steps with 2 workers against 1, and 2 against 2
//   ?mode=speed&workers=W wasm (single-threaded build, rnnkit's SIMD kernels on): chars/s
import { backendInfo, initBackend } from '@rnnkit/backend';
import { simdKernels, wasmBackendMemory } from '@rnnkit/core/simd';
import { charLMParams, createTrainer } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';

const params = new URL(location.href).searchParams;
const mode = params.get('mode') ?? 'check';

// What a bundled app passes: a module Worker on the bundled train-worker entry.
const createWorker = () =>
  new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });

/** Seeded text over 65 characters, like the benchmark's vocabulary. */
function seededText(length) {
  const alphabet = ' abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?\n-\'"()';
  let s = 7;
  let out = '';
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += alphabet[(s >>> 8) % 65];
  }
  return out;
}

async function train(text, options) {
  const t = createTrainer(text, options);
  const times = [];
  for await (const e of t.run()) if (e.type === 'step') times.push(performance.now());
  const weights = Object.fromEntries(
    Object.entries(charLMParams(t.model)).map(([k, v]) => [k, Float32Array.from(v.dataSync())]),
  );
  const workers = t.workers;
  t.dispose();
  return { weights, workers, times };
}

/** Largest |a - b| over largest |a|, per tensor, worst tensor. */
function relativeDiff(a, b) {
  let worst = 0;
  for (const [k, x] of Object.entries(a)) {
    const y = b[k];
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs(x[i] - y[i]));
      scale = Math.max(scale, Math.abs(x[i]));
    }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

async function check() {
  await initBackend({ backend: 'cpu' });
  const steps = Number(params.get('steps') ?? '30');
  const options = {
    hiddenSize: 16,
    numLayers: 2,
    dropout: 0.1,
    batchSize: 6,
    seqLength: 8,
    learningRate: 0.01,
    evalEvery: 1000,
    sampleLength: 0,
    seed: 5,
    steps,
    createWorker,
  };
  const text = seededText(3000);
  const one = await train(text, { ...options, workers: 1 });
  const two = await train(text, { ...options, workers: 2 });
  const again = await train(text, { ...options, workers: 2 });
  return {
    steps,
    workers: [one.workers, two.workers, again.workers],
    relativeDiff: relativeDiff(one.weights, two.weights),
    repeatDiff: relativeDiff(two.weights, again.weights),
  };
}

function simdActive() {
  const memory = wasmBackendMemory(tf.backend());
  return memory !== undefined && simdKernels(memory) !== undefined;
}

async function speed() {
  const workers = Number(params.get('workers') ?? '1');
  const [warm, timed] = [2, Number(params.get('steps') ?? '8')];
  // One tfjs thread: the single-threaded build, whose unshared heap rnnkit's SIMD kernels use.
  // (setFlags: the flag is registered only when tfjs-backend-wasm loads, inside initBackend.)
  tf.env().setFlags({ ...tf.env().getFlags(), WASM_HAS_MULTITHREAD_SUPPORT: false });
  await initBackend({ backend: 'wasm', threads: 1, wasmPaths: new URL('./', location.href).href });
  const [B, T] = [32, 64];
  const r = await train(seededText(200_000), {
    cell: 'lstm',
    hiddenSize: 128,
    batchSize: B,
    seqLength: T,
    learningRate: 0.002,
    steps: warm + timed,
    evalEvery: 10_000,
    valFraction: 0.01,
    sampleLength: 0,
    workers,
    createWorker,
  });
  const ms = r.times[warm + timed - 1] - r.times[warm - 1];
  return {
    workers: r.workers,
    info: backendInfo(),
    simdKernels: simdActive(),
    stepMs: ms / timed,
    charsPerSec: (timed * B * T * 1000) / ms,
  };
}

(mode === 'speed' ? speed() : check())
  .then((r) => ({
    mode,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    ...r,
  }))
  .catch((error) => ({ mode, error: String(error?.stack ?? error) }))
  .then((result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) }));
