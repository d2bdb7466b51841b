#!/usr/bin/env node
// One training step with the fused head + loss (trainStep → charLMLoss → linearSequenceLoss)
// against the same step through the unfused ops (applyLinear, then sequenceLoss), alternating
// step by step in one process on two models from one seed:
//   node apps/bench/scripts/step-ab.mjs [--backend wasm] [--cell lstm] [--hidden 128]
//     [--layers 1] [--batch 32] [--seq 64] [--steps 40] [--no-simd]
// Prints wall and CPU ms per step (CPU time is the figure a loaded machine disturbs least),
// chars/s from wall time, and both models' losses after the run (they train alike).
import { parseArgs } from 'node:util';
import { initBackend } from '@rnnkit/backend';
import { setSimdEnabled } from '@rnnkit/core/simd';
import { adam, sequenceLoss } from '@rnnkit/optim';
import {
  charLMLogits,
  charLMParams,
  createCharLM,
  disposeCharLM,
  minimizeStep,
  trainStep,
} from '@rnnkit/trainer';
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
const ids = Int32Array.from({ length: B * (T + 1) }, (_, i) => (i * 7919 + ((i * i) % 13)) % V);
const data = tf.tensor2d(ids, [B, T + 1], 'int32');
const x = tf.slice(data, [0, 0], [B, T]);
const y = tf.slice(data, [0, 1], [B, T]);
const config = { vocabSize: V, cell: o.cell, hiddenSize: H, numLayers: L };

const fused = {
  name: 'fused head + loss',
  model: createCharLM(config, { seed: 0 }),
  optimizer: adam({ learningRate: 0.002 }),
  step() {
    const r = trainStep(this.model, this.optimizer, x, y);
    const loss = r.loss.dataSync()[0];
    tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c]);
    return loss;
  },
};
const unfused = {
  name: 'applyLinear + sequenceLoss',
  model: createCharLM(config, { seed: 0 }),
  optimizer: adam({ learningRate: 0.002 }),
  step() {
    const loss = minimizeStep(charLMParams(this.model), this.optimizer, () =>
      tf.tidy(() => sequenceLoss(charLMLogits(this.model, x).logits, y)),
    );
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  },
};
const runs = [unfused, fused].map((r) => ({ ...r, wall: 0, cpu: 0, loss: 0 }));
for (const r of runs) for (let i = 0; i < 3; i++) r.step(); // warm-up
const before = tf.memory().numTensors;
for (let i = 0; i < N; i++) {
  for (const r of i % 2 ? runs : [...runs].reverse()) {
    const [w0, c0] = [performance.now(), process.cpuUsage()];
    r.loss = r.step();
    const c = process.cpuUsage(c0);
    r.wall += performance.now() - w0;
    r.cpu += (c.user + c.system) / 1000;
  }
}
const leaked = tf.memory().numTensors - before;
const label = `${o.cell} h${H}x${L} B${B} T${T} on ${o.backend}${o['no-simd'] ? ' (SIMD off)' : ''}`;
const lines = [`${label}, ${N} steps each, alternating:`];
for (const r of runs) {
  const [wall, cpu] = [r.wall / N, r.cpu / N];
  lines.push(
    `  ${r.name.padEnd(28)} ${wall.toFixed(1).padStart(6)} ms wall ${cpu.toFixed(1).padStart(6)} ms CPU ${String(Math.round((B * T * 1000) / wall)).padStart(7)} chars/s  loss ${r.loss.toFixed(5)}`,
  );
}
const [a, b] = runs;
lines.push(
  `  speed-up: ${(a.wall / b.wall).toFixed(2)}× wall, ${(a.cpu / b.cpu).toFixed(2)}× CPU; tensors leaked: ${leaked}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
tf.dispose([data, x, y]);
for (const r of runs) {
  r.optimizer.dispose();
  disposeCharLM(r.model);
}
