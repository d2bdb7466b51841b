// Padding never changes a result: a padded batch (garbage in the padding) gives each example
// the outputs, pooled heads and gradients it gets when run alone at its own length.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { bidirectionalParams, createBidirectional, disposeBidirectional } from './bidirectional.js';
import { lastValidStep, meanOverValid } from './pool-sequence.js';
import { runBidirectional } from './run-bidirectional.js';

const T = 6;
const I = 3;
const H = 4;
const LENGTHS = [6, 2, 4, 1];
const B = LENGTHS.length;
const TOL = 2e-5;

function close(a: number[], b: number[], what: string): void {
  expect(a.length, what).toBe(b.length);
  a.forEach((v, k) => {
    if (Math.abs(v - (b[k] as number)) > TOL) throw new Error(`${what}[${k}]: ${v} vs ${b[k]}`);
  });
}

describe.each(BACKENDS)('padding invariance on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['lstm', 'gru', 'rnn'] as const)('%s bidirectional + both heads', (cell) => {
    const bi = createBidirectional(
      { cell, inputSize: I, hiddenSize: H, numLayers: 2, merge: 'concat' },
      { seed: 3 },
    );
    const params = bidirectionalParams(bi);
    const rng = createRng(21);
    const x = randomTensor([B, T, I], rng); // padding holds random values, not zeros
    const gOut = randomTensor([B, T, 2 * H], rng);
    const gLast = randomTensor([B, 2 * H], rng);
    const gMean = randomTensor([B, 2 * H], rng);

    // loss(x) = Σ_t outputs·gOut + last·gLast + mean·gMean over the examples in x
    const lossOf =
      (lengths: number[], go: tf.Tensor, gl: tf.Tensor, gm: tf.Tensor) => (xi: tf.Tensor) => {
        const { outputs } = runBidirectional(bi, xi as tf.Tensor3D, { seqLengths: lengths });
        return tf.addN([
          tf.sum(tf.mul(outputs, go)),
          tf.sum(tf.mul(lastValidStep(outputs, lengths), gl)),
          tf.sum(tf.mul(meanOverValid(outputs, lengths), gm)),
        ]) as tf.Scalar;
      };
    const run = (xi: tf.Tensor, lengths: number[], go: tf.Tensor, gl: tf.Tensor, gm: tf.Tensor) =>
      tf.tidy(() => {
        const loss = lossOf(lengths, go, gl, gm);
        const { outputs } = runBidirectional(bi, xi as tf.Tensor3D, { seqLengths: lengths });
        const dx = tf.grad(loss)(xi);
        const vg = tf.variableGrads(() => loss(xi), Object.values(params));
        return {
          outputs: Array.from(outputs.dataSync()),
          dx: Array.from(dx.dataSync()),
          grads: Object.values(params).map((v) => Array.from(vg.grads[v.name]?.dataSync() ?? [])),
        };
      });
    const before = tf.memory().numTensors;
    const batch = run(x, LENGTHS, gOut, gLast, gMean);
    const summed = batch.grads.map((g) => g.map(() => 0));
    LENGTHS.forEach((len, b) => {
      const alone = tf.tidy(() => {
        const pick = (t: tf.Tensor, size: number) =>
          tf.slice(t, [b, 0, 0], [1, len, size]) as tf.Tensor3D; // [1, len, size]
        const row = (t: tf.Tensor) => tf.slice(t, [b, 0], [1, 2 * H]);
        return run(pick(x, I), [len], pick(gOut, 2 * H), row(gLast), row(gMean));
      });
      const per = (a: number[], size: number) => a.slice(b * T * size, b * T * size + len * size);
      const pad = (a: number[], size: number) =>
        a.slice(b * T * size + len * size, (b + 1) * T * size);
      close(per(batch.outputs, 2 * H), alone.outputs, `outputs of example ${b}`);
      close(per(batch.dx, I), alone.dx, `dx of example ${b}`);
      expect(pad(batch.outputs, 2 * H).every((v) => v === 0)).toBe(true);
      expect(pad(batch.dx, I).every((v) => v === 0)).toBe(true);
      alone.grads.forEach((g, p) => {
        g.forEach((v, k) => {
          (summed[p] as number[])[k] = ((summed[p] as number[])[k] as number) + v;
        });
      });
    });
    batch.grads.forEach((g, p) => {
      close(g, summed[p] as number[], `${Object.keys(params)[p]}`);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gOut, gLast, gMean]);
    disposeBidirectional(bi);
  });
});
