// `inputGradient: false` (one-hot characters) skips the first layer's input gradient and must
// change nothing else: the weights' and the state's gradients stay the same bits.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { oneHot } from '../layers/one-hot.js';
import { disposeRecurrent, recurrentParams } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';

describe.each(BACKENDS)('inputGradient: false on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s: same weight gradients, zero dx', (cell) => {
    const rec = createRecurrent({ cell, inputSize: 7, hiddenSize: 5, numLayers: 2 }, { seed: 2 });
    const rng = createRng(4);
    const ids = tf.tensor2d(
      Int32Array.from({ length: 3 * 6 }, () => Math.floor(rng() * 7)),
      [3, 6],
      'int32',
    );
    const x = oneHot(ids, 7);
    const params = Object.values(recurrentParams(rec));
    const before = tf.memory().numTensors;
    const grads = (inputGradient: boolean) =>
      tf.tidy(() => {
        const f = (input: tf.Tensor) =>
          tf.sum(tf.square(runRecurrent(rec, input as tf.Tensor3D, { inputGradient }).outputs));
        const { grads: g } = tf.variableGrads(() => f(x) as tf.Scalar, params);
        const dx = tf.grad(f)(x);
        return [...params.map((p) => g[p.name] as tf.Tensor), dx];
      });
    const full = grads(true);
    const skipped = grads(false);
    for (let i = 0; i < params.length; i++) {
      expect((skipped[i] as tf.Tensor).dataSync()).toEqual((full[i] as tf.Tensor).dataSync());
    }
    const dx = skipped.at(-1) as tf.Tensor;
    expect(dx.shape).toEqual([3, 6, 7]);
    expect(Math.max(...Array.from(dx.dataSync(), Math.abs))).toBe(0);
    tf.dispose([...full, ...skipped]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, x]);
    disposeRecurrent(rec);
  });
});
