// The fused linear head + softmax cross-entropy against a float64 computation and finite
// differences, with and without loss weights, SIMD on and off, on both kernel backends.
// (The trainer's tests check it against applyLinear + @rnnkit/optim's sequenceLoss.)
import { initBackend } from '@rnnkit/backend';
import { createRng, ShapeError } from '@rnnkit/core';
import { setSimdEnabled } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../fixtures/reference.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { createLinear } from './linear.js';
import { linearSequenceLoss } from './linear-sequence-loss.js';

const [B, T, H, V] = [3, 5, 6, 7];

/** loss and d loss / d (x, W, b) in float64, straight from the definition. */
function reference(x: number[], w: number[], b: number[], y: number[], wt: number[]) {
  const n = B * T;
  const weightSum = wt.reduce((s, v) => s + v, 0) + 1e-12;
  const [dx, dw, db] = [new Array(n * H).fill(0), new Array(V * H).fill(0), new Array(V).fill(0)];
  let loss = 0;
  for (let r = 0; r < n; r++) {
    const z = Array.from({ length: V }, (_, o) => {
      let s = b[o] as number;
      for (let i = 0; i < H; i++) s += (x[r * H + i] as number) * (w[o * H + i] as number);
      return s;
    });
    const max = Math.max(...z);
    const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
    const yr = y[r] as number;
    loss += ((wt[r] as number) * (max + Math.log(sum) - (z[yr] as number))) / weightSum;
    for (let o = 0; o < V; o++) {
      const d =
        ((Math.exp((z[o] as number) - max) / sum - (o === yr ? 1 : 0)) * (wt[r] as number)) /
        weightSum;
      db[o] += d;
      for (let i = 0; i < H; i++) {
        dx[r * H + i] += d * (w[o * H + i] as number);
        dw[o * H + i] += d * (x[r * H + i] as number);
      }
    }
  }
  return { loss, dx, dw, db };
}

describe.each(BACKENDS)('linearSequenceLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(() => setSimdEnabled(true));

  const cases = [
    { weighted: false, simd: true },
    { weighted: true, simd: true },
    { weighted: true, simd: false },
  ];
  it.each(cases)('matches the float64 definition (%o)', ({ weighted, simd }) => {
    setSimdEnabled(simd);
    const rng = createRng(3);
    const lin = createLinear(H, V, { init: 'pytorch', seed: 4 });
    const x = tf.mul(randomTensor([B, T, H], rng), 3) as tf.Tensor3D;
    const ids = Int32Array.from({ length: B * T }, () => Math.floor(rng() * V));
    const y = tf.tensor2d(ids, [B, T], 'int32');
    const mask = Float32Array.from({ length: B * T }, (_, i) => (weighted ? (i % 4) / 2 : 1));
    const weights = weighted ? tf.tensor2d(mask, [B, T]) : undefined;
    const before = tf.memory().numTensors;
    const f = (xi: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      linearSequenceLoss(
        { weight: w as tf.Variable, bias: b as tf.Variable },
        xi as tf.Tensor3D,
        y,
        weights,
      );
    const { value, grads } = tf.valueAndGrads(f)([x, lin.weight, lin.bias]);
    const [xs, ws, bs] = [x, lin.weight, lin.bias].map((t) => Array.from(t.dataSync()));
    const want = reference(
      xs as number[],
      ws as number[],
      bs as number[],
      Array.from(ids),
      Array.from(mask),
    );
    const tol = { atol: 1e-6, rtol: 1e-5 };
    expectClose(value.dataSync(), [want.loss], tol, 'loss');
    expectClose((grads[0] as tf.Tensor).dataSync(), want.dx, tol, 'dx');
    expectClose((grads[1] as tf.Tensor).dataSync(), want.dw, tol, 'dw');
    expectClose((grads[2] as tf.Tensor).dataSync(), want.db, tol, 'db');
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, lin.weight, lin.bias, ...(weights ? [weights] : [])]);
  });

  it('has the gradient finite differences give', () => {
    const rng = createRng(8);
    const lin = createLinear(H, V, { init: 'pytorch', seed: 9 });
    const x = randomTensor([B, T, H], rng) as tf.Tensor3D;
    const y = tf.tensor2d(
      Int32Array.from({ length: B * T }, (_, i) => (i * 5) % V),
      [B, T],
      'int32',
    );
    const weights = tf.tensor2d(
      Float32Array.from({ length: B * T }, (_, i) => 1 + (i % 3)),
      [B, T],
    );
    const lossAt = (xv: Float32Array) =>
      tf.tidy(
        () => linearSequenceLoss(lin, tf.tensor3d(xv, [B, T, H]), y, weights).dataSync()[0],
      ) as number;
    const grad = tf.grad((xi: tf.Tensor) => linearSequenceLoss(lin, xi as tf.Tensor3D, y, weights))(
      x,
    );
    const g = grad.dataSync();
    const base = x.dataSync() as Float32Array;
    const eps = 1e-2;
    for (const i of [0, 7, 31, 50, B * T * H - 1]) {
      const [up, down] = [Float32Array.from(base), Float32Array.from(base)];
      up[i] = (up[i] as number) + eps;
      down[i] = (down[i] as number) - eps;
      const numeric = (lossAt(up) - lossAt(down)) / (2 * eps);
      expect(g[i]).toBeCloseTo(numeric, 3);
    }
    tf.dispose([x, y, weights, grad, lin.weight, lin.bias]);
  });

  it('gives NaN for a target outside [0, V), as sequenceLoss does', () => {
    const lin = createLinear(H, V, { seed: 1 });
    const x = tf.ones([1, 2, H]) as tf.Tensor3D;
    const y = tf.tensor2d([[0, V]], [1, 2], 'int32');
    const loss = linearSequenceLoss(lin, x, y);
    expect(Number.isNaN(loss.dataSync()[0])).toBe(true);
    tf.dispose([lin.weight, lin.bias, x, y, loss]);
  });

  it('names the argument whose shape is wrong', () => {
    const lin = createLinear(H, V, { seed: 1 });
    const x = tf.ones([2, 3, H]) as tf.Tensor3D;
    const y = tf.zeros([2, 4], 'int32') as tf.Tensor2D;
    expect(() => linearSequenceLoss(lin, x, y)).toThrow(ShapeError);
    expect(() => linearSequenceLoss(lin, x, y)).toThrow(/targets must be int32 \[2, 3\]/);
    expect(() => linearSequenceLoss(lin, tf.ones([2, 3, H + 1]) as tf.Tensor3D, y)).toThrow(
      /x must be float32 \[batch, time, 6\]/,
    );
    tf.dispose([lin.weight, lin.bias, x, y]);
  });
});
