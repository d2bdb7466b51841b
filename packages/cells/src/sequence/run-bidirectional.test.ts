// Bidirectional stacks against an independent float64 implementation, with per-example
// lengths, every cell and merge mode; and finite-difference checks of their gradients.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellType } from '../cell/cell-type.js';
import type { Recurrent } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { type RefLayer, refBidirectional, type Vec } from '../test-support/reference-rnn.js';
import {
  type Bidirectional,
  bidirectionalParams,
  createBidirectional,
  disposeBidirectional,
} from './bidirectional.js';
import { runBidirectional } from './run-bidirectional.js';

const B = 3;
const T = 5;
const I = 3;
const H = 4;
const LENGTHS = [5, 3, 0];

function refLayers(recs: readonly Recurrent[]): RefLayer[] {
  return recs.map((r) => {
    const l = r.layers[0] as Recurrent['layers'][number];
    return {
      wIh: l.weightIh.arraySync() as Vec[],
      wHh: l.weightHh.arraySync() as Vec[],
      bIh: l.biasIh.arraySync() as Vec,
      bHh: l.biasHh.arraySync() as Vec,
    };
  });
}

function expectNear(got: unknown, want: unknown, tol: number, what: string): void {
  const g = [got].flat(4) as number[];
  const w = [want].flat(4) as number[];
  expect(g.length, what).toBe(w.length);
  g.forEach((v, k) => {
    const err = Math.abs(v - (w[k] as number));
    if (err > tol) throw new Error(`${what}[${k}]: got ${v}, reference ${w[k]}`);
  });
}

describe.each(BACKENDS)('runBidirectional on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  const cases = (['rnn', 'lstm', 'gru'] as CellType[]).flatMap((cell) =>
    (['concat', 'sum', 'mean'] as const).map((merge) => ({ cell, merge })),
  );
  it.each(cases)(
    '$cell $merge, 2 layers, lengths 5/3/0: matches the reference',
    ({ cell, merge }) => {
      const bi = createBidirectional(
        { cell, inputSize: I, hiddenSize: H, numLayers: 2, merge },
        { init: 'pytorch', seed: 4 },
      );
      const x = randomTensor([B, T, I], createRng(8)) as tf.Tensor3D;
      const { outputs, state } = runBidirectional(bi, x, {
        seqLengths: LENGTHS,
      });
      const out = outputs.arraySync();
      const [fh, bh] = [state.forward.h.arraySync(), state.backward.h.arraySync()];
      const [fc, bc] = [state.forward.c?.arraySync(), state.backward.c?.arraySync()];
      const xs = x.arraySync();
      const fwd = refLayers(bi.forward);
      const bwd = refLayers(bi.backward);
      LENGTHS.forEach((len, b) => {
        const ref = refBidirectional(cell, fwd, bwd, merge, xs[b] as Vec[], len);
        expectNear(out[b], ref.outputs, 2e-5, `outputs[${b}]`);
        for (let l = 0; l < 2; l++) {
          expectNear(fh[l]?.[b], ref.fh[l], 2e-5, `forward h[${l}][${b}]`);
          expectNear(bh[l]?.[b], ref.bh[l], 2e-5, `backward h[${l}][${b}]`);
          if (cell === 'lstm') {
            expectNear(fc?.[l]?.[b], ref.fc[l], 2e-5, `forward c[${l}][${b}]`);
            expectNear(bc?.[l]?.[b], ref.bc[l], 2e-5, `backward c[${l}][${b}]`);
          }
        }
      });
      tf.dispose([
        x,
        outputs,
        state.forward.h,
        state.forward.c,
        state.backward.h,
        state.backward.c,
      ]);
      disposeBidirectional(bi);
    },
  );

  it.each(['lstm', 'gru'] as const)(
    '%s: gradients match finite differences',
    (cell) => {
      const bi = createBidirectional(
        { cell, inputSize: I, hiddenSize: H, numLayers: 2, merge: 'concat' },
        { init: 'pytorch', seed: 2 },
      );
      const rng = createRng(5);
      const x = randomTensor([B, T, I], rng) as tf.Tensor3D;
      const g = randomTensor([B, T, 2 * H], rng);
      const gh = randomTensor([2, B, H], rng);
      const loss = (xi: tf.Tensor) => {
        const run = runBidirectional(bi, xi as tf.Tensor3D, {
          seqLengths: LENGTHS,
        });
        return tf.addN([
          tf.sum(tf.mul(run.outputs, g)),
          tf.sum(tf.mul(run.state.backward.h, gh)),
          tf.sum(tf.mul(run.state.forward.h, gh)),
        ]) as tf.Scalar;
      };
      checkGradients(bi, loss, x, rng);
      tf.dispose([x, g, gh]);
      disposeBidirectional(bi);
    },
    60_000,
  ); // dozens of full forward passes: seconds on a loaded machine
});

/** Central differences on sampled entries of x and of every parameter. */
function checkGradients(
  bi: Bidirectional,
  loss: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  rng: () => number,
): void {
  const eps = 1e-2;
  const params = bidirectionalParams(bi);
  const dx = tf.grad(loss)(x);
  const vg = tf.variableGrads(() => loss(x), Object.values(params));
  const targets: [string, tf.Tensor, tf.Tensor][] = [
    ['x', x, dx],
    ...Object.entries(params).map(
      ([name, v]) => [name, v, vg.grads[v.name] as tf.Tensor] as [string, tf.Tensor, tf.Tensor],
    ),
  ];
  for (const [name, tensor, grad] of targets) {
    const original = tensor.dataSync().slice();
    const gData = grad.dataSync();
    for (let s = 0; s < 4; s++) {
      const k = Math.floor(rng() * original.length);
      const [up, down] = [eps, -eps].map((d) => {
        const values = original.slice();
        values[k] = (values[k] as number) + d;
        return tf.tidy(() => {
          const t = tf.tensor(values, tensor.shape);
          if (!(tensor instanceof tf.Variable)) return loss(t).dataSync()[0] as number;
          tensor.assign(t);
          return loss(x).dataSync()[0] as number;
        });
      }) as [number, number];
      if (tensor instanceof tf.Variable)
        tf.tidy(() => tensor.assign(tf.tensor(original, tensor.shape)));
      const numeric = (up - down) / (2 * eps);
      const got = gData[k] as number;
      const tol = 2e-3 + 1e-2 * Math.max(Math.abs(numeric), Math.abs(got));
      if (!(Math.abs(numeric - got) <= tol)) {
        throw new Error(`d${name}[${k}]: analytic ${got}, finite difference ${numeric}`);
      }
    }
  }
  tf.dispose([dx, vg.value, ...Object.values(vg.grads)]);
}
