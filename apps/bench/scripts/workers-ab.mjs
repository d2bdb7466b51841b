#!/usr/bin/env node
// 1 vs N worker threads on one training configuration, alternating in one process:
//   node apps/bench/scripts/workers-ab.mjs [--backend wasm] [--hidden 128] [--layers 1]
//     [--cell lstm] [--batch 32] [--seq 64] [--workers 2] [--steps 15] [--rounds 2] [--simd-ab]
// Prints wall ms per step and the process's CPU ms per step (all threads): on a shared machine
// whose other load caps this process, CPU time is the figure that does not depend on the load.
// --simd-ab adds a one-thread run with rnnkit's SIMD kernels off (main thread only).
import { parseArgs } from 'node:util';
import { initBackend } from '@rnnkit/backend';
import { setSimdEnabled } from '@rnnkit/core/simd';
import { createTrainer } from '@rnnkit/trainer';

const { values: o } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    cell: { type: 'string', default: 'lstm' },
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '1' },
    batch: { type: 'string', default: '32' },
    seq: { type: 'string', default: '64' },
    workers: { type: 'string', default: '2' },
    steps: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '2' },
    'simd-ab': { type: 'boolean' },
  },
});
await initBackend({ backend: o.backend });
const chars = Array.from({ length: 65 }, (_, i) => String.fromCharCode(48 + i)).join('');
let seed = 1;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const [B, T] = [Number(o.batch), Number(o.seq)];
const text =
  chars + Array.from({ length: B * T * 8 + 1 }, () => chars[Math.floor(rnd() * 65)]).join('');
const runs = [
  { workers: 1, simd: true },
  { workers: Number(o.workers), simd: true },
  ...(o['simd-ab'] ? [{ workers: 1, simd: false }] : []),
];
const trainers = runs.map(({ workers, simd }) => {
  const t = createTrainer(text, {
    cell: o.cell,
    hiddenSize: Number(o.hidden),
    numLayers: Number(o.layers),
    batchSize: B,
    seqLength: T,
    clipNorm: null,
    valFraction: 0,
    sampleLength: 0,
    steps: 1e9,
    evalEvery: 1e9,
    workers,
  });
  return { t, it: t.run(), simd, ms: 0, cpu: 0, steps: 0 };
});
const next = async (r) => {
  setSimdEnabled(r.simd);
  try {
    await r.it.next();
  } finally {
    setSimdEnabled(true);
  }
};
for (const r of trainers) for (let i = 0; i < 3; i++) await next(r);
for (let round = 0; round < Number(o.rounds); round++) {
  for (const r of trainers) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < Number(o.steps); i++) await next(r);
    r.ms += performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    r.cpu += (c.user + c.system) / 1000;
    r.steps += Number(o.steps);
  }
}
for (const r of trainers) {
  const ms = r.ms / r.steps;
  const cpu = r.cpu / r.steps;
  console.log(
    `${o.cell} h${o.hidden}x${o.layers} B${B} T${T} ${o.backend}, ${r.t.workers} thread(s)${r.simd ? '' : ', SIMD off'}: ` +
      `${ms.toFixed(1)} ms/step wall (${Math.round((B * T * 1000) / ms)} chars/s), ` +
      `${cpu.toFixed(1)} CPU ms/step (${(r.cpu / r.ms).toFixed(2)} cores busy; ` +
      `${Math.round((B * T * 1000 * r.t.workers) / cpu)} chars/s on ${r.t.workers} idle core(s))`,
  );
  await r.it.return();
  r.t.dispose();
}
