// applyLinear against a direct computation, forward and gradient, on any leading shape.
import { initBackend } from '@rnnkit/backend';
import { createRng, ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../fixtures/reference.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { applyLinear, createLinear } from './linear.js';

const TOL = { atol: 1e-6, rtol: 1e-5 };

describe.each(BACKENDS)('applyLinear on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each([[[2, 3]], [[4]], [[]]])(
    'computes y = x Wᵀ + b and its gradient for leading shape %j',
    (lead) => {
      const [IN, OUT] = [4, 5];
      const rng = createRng(1);
      const lin = createLinear(IN, OUT, { init: 'pytorch', seed: 2 });
      const x = randomTensor([...lead, IN], rng);
      const g = randomTensor([...lead, OUT], rng);
      const n = lead.reduce((a, b) => a * b, 1);
      const [xs, gs, w, b] = [x, g, lin.weight, lin.bias].map((t) => Array.from(t.dataSync()));
      const at = (a: number[] | undefined, i: number) => (a as number[])[i] as number;

      const want = new Array(n * OUT).fill(0);
      const dx = new Array(n * IN).fill(0);
      const dw = new Array(OUT * IN).fill(0);
      const db = new Array(OUT).fill(0);
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < OUT; o++) {
          let y = at(b, o);
          const go = at(gs, r * OUT + o);
          for (let i = 0; i < IN; i++) {
            y += at(xs, r * IN + i) * at(w, o * IN + i);
            dx[r * IN + i] += go * at(w, o * IN + i);
            dw[o * IN + i] += go * at(xs, r * IN + i);
          }
          want[r * OUT + o] = y;
          db[o] += go;
        }
      }
      const y = applyLinear(lin, x);
      expect(y.shape).toEqual([...lead, OUT]);
      expectClose(y.dataSync(), want, TOL, 'y');
      const loss = (xi: tf.Tensor) => tf.sum(tf.mul(applyLinear(lin, xi), g)) as tf.Scalar;
      expectClose(tf.grad(loss)(x).dataSync(), dx, TOL, 'dx');
      const vg = tf.variableGrads(() => loss(x), [lin.weight, lin.bias]);
      expectClose(vg.grads[lin.weight.name]?.dataSync() ?? [], dw, TOL, 'dW');
      expectClose(vg.grads[lin.bias.name]?.dataSync() ?? [], db, TOL, 'db');
      tf.dispose([x, g, y, lin.weight, lin.bias, vg.value, ...Object.values(vg.grads)]);
    },
  );

  it('rejects inputs whose last axis is not inFeatures', () => {
    const lin = createLinear(4, 5);
    const x = tf.zeros([2, 3]);
    expect(() => applyLinear(lin, x)).toThrow(ShapeError);
    expect(() => applyLinear(lin, x)).toThrow(
      /x must be \[\.\.\., 4\] \(inFeatures 4\), got \[2, 3\]/,
    );
    tf.dispose([x, lin.weight, lin.bias]);
  });
});
