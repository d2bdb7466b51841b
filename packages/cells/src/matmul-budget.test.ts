// The performance rules as assertions: per layer one input matMul for all steps and one fused
// recurrent matMul per step; backward the same plus one matMul per weight gradient; and never a
// transposed-operand matMul (10–20× slower on wasm), so no step was left to tfjs-core's tape.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from './create-recurrent.js';
import { createRng } from './create-rng.js';
import { disposeRecurrent } from './dispose-recurrent.js';
import { createEmbedding, embed } from './embedding.js';
import { applyLinear, createLinear } from './linear.js';
import { runRecurrent } from './run-recurrent.js';
import { BACKENDS, randomTensor } from './test-support/backends.js';

describe.each(BACKENDS)('matMul budget on %s', (backend) => {
  const calls = { plain: 0, transposed: 0 };
  let original: tf.KernelConfig;
  beforeAll(async () => {
    await initBackend({ backend });
    original = tf.getKernel('BatchMatMul', backend) as tf.KernelConfig;
    tf.unregisterKernel('BatchMatMul', backend);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const { transposeA, transposeB } = args.attrs as {
          transposeA: boolean;
          transposeB: boolean;
        };
        calls[transposeA || transposeB ? 'transposed' : 'plain']++;
        return original.kernelFunc(args);
      },
    });
  });
  afterAll(() => {
    tf.unregisterKernel('BatchMatMul', backend);
    tf.registerKernel(original);
  });
  const reset = () => {
    calls.plain = 0;
    calls.transposed = 0;
  };

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: forward L(1 + T), backward L(T + 3), none transposed',
    (cell) => {
      const [L, T] = [2, 6];
      const rec = createRecurrent({ cell, inputSize: 3, hiddenSize: 4, numLayers: L });
      const x = randomTensor([2, T, 3], createRng(1)) as tf.Tensor3D;
      reset();
      const loss = () => tf.sum(runRecurrent(rec, x, { seqLengths: [T, 3] }).outputs) as tf.Scalar;
      tf.dispose(loss());
      expect(calls).toEqual({ plain: L * (1 + T), transposed: 0 });
      reset();
      const { value, grads } = tf.variableGrads(loss);
      expect(calls).toEqual({ plain: L * (1 + T) + L * (T + 3), transposed: 0 });
      tf.dispose([x, value, ...Object.values(grads)]);
      disposeRecurrent(rec);
    },
  );

  it('linear and embedding: one matMul forward, one per gradient, none transposed', () => {
    const fc = createLinear(4, 5);
    const emb = createEmbedding(6, 4);
    const ids = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    reset();
    const { value, grads } = tf.variableGrads(
      () => tf.sum(applyLinear(fc, embed(emb, ids))) as tf.Scalar,
    );
    // embed: 1 + dW; linear: 1 + dx + dW
    expect(calls).toEqual({ plain: 5, transposed: 0 });
    tf.dispose([ids, value, ...Object.values(grads), fc.weight, fc.bias, emb.weight]);
  });
});
