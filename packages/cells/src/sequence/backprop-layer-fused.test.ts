// Long sequences sum their weight gradients over chunks of rows: the sum must not depend on
// the chunking.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cellMath } from '../cell/registry.js';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { backpropLayerFused } from './backprop-layer-fused.js';
import { runLayerFused } from './run-layer-fused.js';

describe.each(BACKENDS)('backpropLayerFused on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['lstm', 'gru'] as const)('%s: chunked weight gradients equal one matMul', (cell) => {
    const rec = createRecurrent({ cell, inputSize: 3, hiddenSize: 4 }, { seed: 2 });
    const layer = rec.layers[0] as (typeof rec.layers)[number];
    const [T, B, H] = [7, 2, 4];
    const rng = createRng(9);
    tf.tidy(() => {
      const x = randomTensor([T, B, 3], rng) as tf.Tensor3D;
      const h0 = tf.zeros([B, H]) as tf.Tensor2D;
      const c0 = cell === 'lstm' ? (tf.zeros([B, H]) as tf.Tensor2D) : undefined;
      const w = {
        weightIh: layer.weightIh as tf.Tensor2D,
        weightHh: layer.weightHh as tf.Tensor2D,
        biasIh: layer.biasIh as tf.Tensor1D,
        biasHh: layer.biasHh as tf.Tensor1D,
      };
      const run = runLayerFused(cell, cellMath(cell), x, h0, c0, w, undefined);
      const dOut = randomTensor([T * B, H], rng) as tf.Tensor2D;
      const dh = randomTensor([B, H], rng) as tf.Tensor2D;
      const dc = c0 && (randomTensor([B, H], rng) as tf.Tensor2D);
      const whole = backpropLayerFused(cell, run.tape, dOut, dh, dc, undefined);
      const chunked = backpropLayerFused(cell, run.tape, dOut, dh, dc, undefined, 3);
      for (const key of ['dWeightIh', 'dWeightHh'] as const) {
        const [a, b] = [whole[key].dataSync(), chunked[key].dataSync()];
        for (const [i, v] of a.entries()) expect(b[i]).toBeCloseTo(v, 5);
      }
    });
    disposeRecurrent(rec);
  });
});
