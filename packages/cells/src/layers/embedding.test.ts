// oneHot and embed: lookups as one-hot matMuls, with a gradient that works on wasm.
import { initBackend } from '@rnnkit/backend';
import { createRng, ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../fixtures/reference.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { createEmbedding, embed } from './embedding.js';
import { oneHot } from './one-hot.js';

const TOL = { atol: 1e-6, rtol: 1e-5 };
const IDS = [
  [0, 2, 1],
  [3, 3, 0],
];

describe.each(BACKENDS)('oneHot and embed on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('oneHot gives exact float32 0/1 rows, and zeros for ids out of range', () => {
    const ids = tf.tensor2d([[0, 2, 5]], [1, 3], 'int32');
    const x = oneHot(ids, 3);
    expect(x.dtype).toBe('float32');
    expect(x.arraySync()).toEqual([
      [
        [1, 0, 0],
        [0, 0, 1],
        [0, 0, 0],
      ],
    ]);
    tf.dispose([ids, x]);
  });

  it('embed picks the rows of W, and dW sums dy into the rows of the ids', () => {
    const emb = createEmbedding(4, 3, { init: 'pytorch', seed: 5 });
    const ids = tf.tensor2d(IDS, [2, 3], 'int32');
    const w = emb.weight.arraySync() as number[][];
    const y = embed(emb, ids);
    expect(y.shape).toEqual([2, 3, 3]);
    expectClose(
      y.dataSync(),
      IDS.flat().map((id) => w[id] as number[]),
      TOL,
      'y',
    );

    const g = randomTensor([2, 3, 3], createRng(1));
    const gs = (g.arraySync() as number[][][]).flat();
    const want = [0, 1, 2, 3].map((v) =>
      [0, 1, 2].map((d) =>
        IDS.flat().reduce((s, id, k) => s + (id === v ? ((gs[k] as number[])[d] as number) : 0), 0),
      ),
    );
    const vg = tf.variableGrads(
      () => tf.sum(tf.mul(embed(emb, ids), g)) as tf.Scalar,
      [emb.weight],
    );
    expectClose(vg.grads[emb.weight.name]?.dataSync() ?? [], want, TOL, 'dW');
    tf.dispose([ids, y, g, emb.weight, vg.value, ...Object.values(vg.grads)]);
  });

  it('rejects ids that are not int32 [B, T]', () => {
    const emb = createEmbedding(4, 3);
    const flat = tf.tensor1d([1, 2], 'int32');
    const floats = tf.zeros([1, 2]);
    expect(() => embed(emb, flat)).toThrow(ShapeError);
    expect(() => embed(emb, flat)).toThrow(
      /ids must be an int32 \[batch, time\] tensor, got int32 \[2\]/,
    );
    expect(() => oneHot(floats, 4)).toThrow(/got float32 \[1, 2\]/);
    tf.dispose([flat, floats, emb.weight]);
  });
});
