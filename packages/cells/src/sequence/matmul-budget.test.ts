// The performance rules as assertions: per layer one input matMul for all steps and the whole
// recurrence as one fused kernel (its per-step `h W_hh^T` runs inside it, with no tfjs op per
// step); backward one fused kernel plus one matMul per input/weight gradient; and never a
// transposed-operand matMul (10–20× slower on wasm), so no step was left to tfjs-core's tape.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { plainMatMul } from '../kernels/matmul.js';
import { BACKWARD_KERNEL, FORWARD_KERNEL } from '../kernels/recurrent-contract.js';
import { ensureRecurrentKernels } from '../kernels/recurrent-kernels.js';
import { createEmbedding, embed } from '../layers/embedding.js';
import { applyLinear, createLinear } from '../layers/linear.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';

const COUNTED = ['BatchMatMul', 'RnnkitMatMul', FORWARD_KERNEL, BACKWARD_KERNEL];

describe.each(BACKENDS)('matMul budget on %s', (backend) => {
  const calls = { plain: 0, transposed: 0, forward: 0, backward: 0 };
  const originals: tf.KernelConfig[] = [];
  beforeAll(async () => {
    await initBackend({ backend });
    ensureRecurrentKernels();
    tf.dispose(plainMatMul(tf.ones([1, 1]), tf.ones([1, 1]))); // registers the cpu kernel
    for (const name of COUNTED) {
      const original = tf.getKernel(name, backend);
      if (original == null) continue;
      originals.push(original);
      tf.unregisterKernel(name, backend);
      tf.registerKernel({
        ...original,
        kernelFunc: (args) => {
          const { transposeA, transposeB } = args.attrs as Record<string, unknown>;
          if (name === FORWARD_KERNEL) calls.forward++;
          else if (name === BACKWARD_KERNEL) calls.backward++;
          else calls[transposeA || transposeB ? 'transposed' : 'plain']++;
          return original.kernelFunc(args);
        },
      });
    }
  });
  afterAll(() => {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, backend);
      tf.registerKernel(original);
    }
  });
  const reset = () => {
    Object.assign(calls, { plain: 0, transposed: 0, forward: 0, backward: 0 });
  };

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: forward L matMuls + L fused kernels, backward 3L matMuls + L kernels, none transposed',
    (cell) => {
      const [L, T] = [2, 6];
      const rec = createRecurrent({ cell, inputSize: 3, hiddenSize: 4, numLayers: L });
      const x = randomTensor([2, T, 3], createRng(1)) as tf.Tensor3D;
      reset();
      const loss = () => tf.sum(runRecurrent(rec, x, { seqLengths: [T, 3] }).outputs) as tf.Scalar;
      tf.dispose(loss());
      expect(calls).toEqual({ plain: L, transposed: 0, forward: L, backward: 0 });
      reset();
      const { value, grads } = tf.variableGrads(loss);
      expect(calls).toEqual({ plain: L + 3 * L, transposed: 0, forward: L, backward: L });
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
    expect(calls).toEqual({ plain: 5, transposed: 0, forward: 0, backward: 0 });
    tf.dispose([ids, value, ...Object.values(grads), fc.weight, fc.bias, emb.weight]);
  });
});
