#!/usr/bin/env node
// Where one training step's time goes: `node apps/bench/scripts/profile-step.mjs [options]`
//   --backend wasm|cpu   (default wasm)      --cell lstm|gru|rnn (default lstm)
//   --hidden N (128)  --layers N (1)  --batch N (32)  --seq N (64)  --steps N (40)
//   --no-simd            rnnkit's SIMD kernels off (the plain-JS cell passes)
// Prints (1) tfjs's per-kernel wall time of one step (tf.profile), and (2) the V8 CPU
// profile of --steps steps, self time grouped by what the code is (matMul and other tfjs
// wasm, rnnkit's SIMD kernels, JS cell passes, copies, Adam, loss, GC, other JS).
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { initBackend } from '@rnnkit/backend';
import { setSimdEnabled } from '@rnnkit/core/simd';
import { adam } from '@rnnkit/optim';
import { createCharLM, disposeCharLM, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';

const { values: o } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    seq: { type: 'string', default: '64' },
    steps: { type: 'string', default: '40' },
    'no-simd': { type: 'boolean' },
  },
});
if (o['no-simd']) setSimdEnabled(false);
await initBackend({ backend: o.backend });
const [H, L, B, T, N] = [o.hidden, o.layers, o.batch, o.seq, o.steps].map(Number);
const V = 65;
const model = createCharLM(
  { vocabSize: V, cell: o.cell, hiddenSize: H, numLayers: L },
  { seed: 0 },
);
const ids = Int32Array.from({ length: B * (T + 1) }, (_, i) => (i * 7919) % V);
const data = tf.tensor2d(ids, [B, T + 1], 'int32');
const x = tf.slice(data, [0, 0], [B, T]);
const y = tf.slice(data, [0, 1], [B, T]);
const optimizer = adam({ learningRate: 0.002 });
const step = () => {
  const r = trainStep(model, optimizer, x, y);
  r.loss.dataSync();
  tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c]);
};
for (let i = 0; i < 5; i++) step();

// (1) Per kernel, one step.
const info = await tf.profile(step);
const byKernel = new Map();
for (const k of info.kernels) {
  const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += t;
  e.calls += 1;
  byKernel.set(k.name, e);
}
const kernels = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const kernelTotal = kernels.reduce((a, [, e]) => a + e.ms, 0);

// (2) Wall time, then a CPU profile of N steps.
let start = performance.now();
for (let i = 0; i < N; i++) step();
const wallMs = (performance.now() - start) / N;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
start = performance.now();
for (let i = 0; i < N; i++) step();
const profiledMs = (performance.now() - start) / N;
const { profile } = await session.post('Profiler.stop');
session.disconnect();

const selfUs = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (dt[i + 1] ?? 0));
}
// rnnkit's SIMD module has 17 functions; tfjs's hundreds (names are stripped from both).
const maxIndex = new Map();
for (const n of profile.nodes) {
  const m = /^wasm-function\[(\d+)\]/.exec(n.callFrame.functionName);
  if (m) maxIndex.set(n.callFrame.url, Math.max(maxIndex.get(n.callFrame.url) ?? 0, Number(m[1])));
}
const category = (n) => {
  const { url, functionName: f } = n.callFrame;
  if (f === '(garbage collector)') return 'GC';
  if (f === '(idle)' || f === '(program)') return 'other (V8 runtime)';
  if (url.startsWith('wasm://') || f.startsWith('wasm-function') || f.startsWith('$')) {
    // rnnkit's module exports its kernels by name; tfjs's is stripped (XNNPACK matMul and
    // the other tfjs kernels).
    if ((maxIndex.get(url) ?? 0) < 64) return 'wasm: rnnkit SIMD kernels (cells, gemm, Adam)';
    return 'wasm: tfjs (XNNPACK matMul, other kernels)';
  }
  if (/fused-(lstm|gru|rnn|cell)\.js|cell\/(lstm|gru|rnn|activations)\.js/.test(url))
    return 'JS: cell passes';
  if (/fast-transpose|transpose/.test(url)) return 'JS: transposes';
  if (/cpu-gemm|plain-matmul|kernels\/gemm\.js|kernels\/matmul\.js/.test(url))
    return 'JS: matMul (sparse one-hot gemm, cpu gemm)';
  if (/adam\.js|update-rule/.test(url)) return 'JS: Adam';
  if (/sequence-loss|metrics|linear-loss/.test(url)) return 'JS: loss (and fused head)';
  if (f === 'set' || f === 'subarray' || f === 'copy' || /slice-rows|take-rows/.test(url))
    return 'JS: copies';
  if (/recurrent-(forward|backward)|kernel-memory|kernels\/memory\.js/.test(url))
    return 'JS: recurrent kernels (loop, copies)';
  if (/tfjs-backend-cpu/.test(url)) return 'JS: tfjs cpu kernels';
  if (/tfjs-core/.test(url)) return 'JS: tfjs engine (dispatch, tape)';
  if (/tfjs-backend-wasm/.test(url)) return 'JS: tfjs wasm glue';
  return 'JS: other';
};
const byCat = new Map();
let totalUs = 0;
const topFns = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const c = category(n);
  byCat.set(c, (byCat.get(c) ?? 0) + us);
  totalUs += us;
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-1)[0]}`;
  topFns.set(key, (topFns.get(key) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000 / N).toFixed(2).padStart(7)} ms`;
const out = [];
out.push(
  `${o.cell} h${H}x${L} B${B} T${T} on ${o.backend}${o['no-simd'] ? ' (SIMD off)' : ''}: ${wallMs.toFixed(1)} ms/step (${Math.round((B * T * 1000) / wallMs)} chars/s); under the profiler ${profiledMs.toFixed(1)} ms`,
);
out.push('\nPer tfjs kernel, one step (tf.profile wall time):');
for (const [name, e] of kernels.slice(0, 14)) {
  out.push(
    `  ${name.padEnd(28)} ${e.ms.toFixed(2).padStart(7)} ms  ${String(e.calls).padStart(4)} calls`,
  );
}
out.push(`  ${'(all kernels)'.padEnd(28)} ${kernelTotal.toFixed(2).padStart(7)} ms`);
out.push('\nCPU profile, self time per step by category:');
for (const [c, us] of [...byCat].sort((a, b) => b[1] - a[1])) {
  out.push(`  ${c.padEnd(40)} ${ms(us)} ${pct(us)}`);
}
out.push('\nTop functions (self time):');
for (const [f, us] of [...topFns].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  out.push(`  ${f.slice(0, 60).padEnd(60)} ${ms(us)} ${pct(us)}`);
}
process.stdout.write(`${out.join('\n')}\n`);
tf.dispose([data, x, y]);
optimizer.dispose();
disposeCharLM(model);
