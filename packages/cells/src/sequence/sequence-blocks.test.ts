// reverseSequence, the pooling heads, dropout and lengthMask: values, own gradients, errors,
// and no leaked tensors.
import { initBackend } from '@rnnkit/backend';
import { createRng, ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropout } from '../layers/dropout.js';
import { BACKENDS } from '../test-support/backends.js';
import { createBidirectional, disposeBidirectional } from './bidirectional.js';
import { lengthMask } from './masks.js';
import { lastValidStep, meanOverValid } from './pool-sequence.js';
import { reverseSequence } from './reverse-sequence.js';
import { runBidirectional } from './run-bidirectional.js';

describe.each(BACKENDS)('sequence blocks on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('reverseSequence reverses each valid prefix; its gradient is the same reversal', () => {
    const x = tf.tensor3d([
      [[1], [2], [3]],
      [[4], [5], [6]],
      [[7], [8], [9]],
    ]);
    expect(reverseSequence(x, [3, 2, 0]).arraySync()).toEqual([
      [[3], [2], [1]],
      [[5], [4], [6]],
      [[7], [8], [9]],
    ]);
    expect(reverseSequence(x).arraySync()[1]).toEqual([[6], [5], [4]]);
    const g = tf.tensor3d([
      [[1], [0], [0]],
      [[0], [2], [0]],
      [[0], [0], [3]],
    ]);
    const dx = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(reverseSequence(t as tf.Tensor3D, [3, 2, 0]), g)),
    )(x);
    expect(dx.arraySync()).toEqual([
      [[0], [0], [1]],
      [[2], [0], [0]],
      [[0], [0], [3]],
    ]);
    expect(() => reverseSequence(x, [4, 1, 1])).toThrow(ShapeError);
    expect(() => reverseSequence(x, [1, 1])).toThrow(/one length per example \(3\), got 2/);
    tf.dispose([x, g, dx]);
  });

  it('lastValidStep and meanOverValid pool valid steps only, with gradients', () => {
    const x = tf.tensor3d([
      [[1], [2], [3]],
      [[4], [5], [6]],
      [[7], [8], [9]],
    ]);
    expect(lastValidStep(x, [3, 2, 0]).arraySync()).toEqual([[3], [5], [0]]);
    expect(meanOverValid(x, [3, 2, 0]).arraySync()).toEqual([[2], [4.5], [0]]);
    expect(lastValidStep(x).arraySync()).toEqual([[3], [6], [9]]);
    const dLast = tf.grad((t: tf.Tensor) => tf.sum(lastValidStep(t as tf.Tensor3D, [3, 2, 0])))(x);
    expect(dLast.arraySync()).toEqual([
      [[0], [0], [1]],
      [[0], [1], [0]],
      [[0], [0], [0]],
    ]);
    const dMean = tf.grad((t: tf.Tensor) => tf.sum(meanOverValid(t as tf.Tensor3D, [2, 1, 3])))(x);
    expect(Array.from(dMean.dataSync())).toEqual(
      [0.5, 0.5, 0, 1, 0, 0, 1 / 3, 1 / 3, 1 / 3].map(Math.fround),
    );
    expect(() => lastValidStep(tf.zeros([2, 3]) as never)).toThrow(
      /float32 \[batch, time, features\]/,
    );
    tf.dispose([x, dLast, dMean]);
  });

  it('dropout: seeded inverted masks, variational noiseShape, gradient = mask', () => {
    const x = tf.ones([4, 5, 100]);
    const y = dropout(x, { rate: 0.25, rng: createRng(1) });
    const values = Array.from(y.dataSync());
    expect(new Set(values)).toEqual(new Set([0, 4 / 3].map(Math.fround)));
    const kept = values.filter((v) => v > 0).length / values.length;
    expect(kept).toBeGreaterThan(0.7);
    expect(kept).toBeLessThan(0.8);
    expect(dropout(x, { rate: 0.25, rng: createRng(1) }).dataSync()).toEqual(y.dataSync());
    // One mask per sequence: every step of an example drops the same features.
    const v = dropout(x, {
      rate: 0.5,
      rng: createRng(2),
      noiseShape: [4, 1, 100],
    }).arraySync() as number[][][];
    for (const seq of v) for (const step of seq) expect(step).toEqual(seq[0]);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(dropout(t, { rate: 0.25, rng: createRng(1) })))(x);
    expect(dx.dataSync()).toEqual(y.dataSync());
    expect(dropout(x, { rate: 0, rng: createRng(1) }).dataSync()).toEqual(x.dataSync());
    expect(() => dropout(x, { rate: 1, rng: createRng(1) })).toThrow(/rate must be in \[0, 1\)/);
    expect(() => dropout(x, { rate: 0.5, rng: createRng(1), noiseShape: [4, 2, 100] })).toThrow(
      ShapeError,
    );
    tf.dispose([x, y, dx]);
  });

  it('lengthMask marks valid steps', () => {
    const m = lengthMask([3, 1, 0], 4);
    expect(m.arraySync()).toEqual([
      [1, 1, 1, 0],
      [1, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(() => lengthMask([5], 4)).toThrow(/seqLengths\[0\] must be a whole number in \[0, 4\]/);
    m.dispose();
  });

  it('a bidirectional training step with dropout leaks nothing and needs an rng', () => {
    const bi = createBidirectional(
      { cell: 'lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, merge: 'mean', dropout: 0.3 },
      { seed: 1 },
    );
    const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const rng = createRng(4);
    const step = () =>
      tf.tidy(() => {
        const { grads, value } = tf.variableGrads(() => {
          const run = runBidirectional(bi, x, { seqLengths: [5, 2], training: true, rng });
          return tf.sum(lastValidStep(run.outputs, [5, 2])) as tf.Scalar;
        });
        tf.dispose([value, ...Object.values(grads)]);
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => runBidirectional(bi, x, { training: true })).toThrow(/needs `rng`/);
    // Inference ignores the dropout: two runs agree.
    const a = runBidirectional(bi, x);
    const b = runBidirectional(bi, x);
    expect(a.outputs.dataSync()).toEqual(b.outputs.dataSync());
    expect(a.outputs.shape).toEqual([2, 5, 4]);
    tf.dispose([x, a.outputs, b.outputs, ...Object.values(a.state).flatMap((s) => [s.h, s.c])]);
    tf.dispose(Object.values(b.state).flatMap((s) => [s.h, s.c]));
    disposeBidirectional(bi);
  });
});
