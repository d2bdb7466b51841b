// Variational dropout: the same masks at every step, checked against the float64 reference
// cells fed masked inputs and states; finite-difference gradients; inference = runRecurrent.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellType } from '../cell/cell-type.js';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, type Recurrent, recurrentParams } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { type RefLayer, refStep, type Vec } from '../test-support/reference-rnn.js';
import { runRecurrent } from './run-recurrent.js';
import { drawMask, runVariational } from './run-variational.js';

const [B, T, I, H, L] = [3, 4, 3, 4, 2];
const LENGTHS = [4, 2, 0];
const RATES = { inputRate: 0.3, recurrentRate: 0.4 };

/** The reference: each layer's input and fed-back h multiplied by its per-example masks. */
function reference(cell: CellType, rec: Recurrent, xs: Vec[][], seed: number): Vec[][] {
  const rng = createRng(seed);
  const masks = rec.layers.map((layer) => ({
    x: drawMask(B, layer.weightIh.shape[1] as number, RATES.inputRate, rng),
    h: drawMask(B, H, RATES.recurrentRate, rng),
  }));
  return xs.map((seq, b) => {
    let input = seq;
    rec.layers.forEach((layer, l) => {
      const p: RefLayer = {
        wIh: layer.weightIh.arraySync() as Vec[],
        wHh: layer.weightHh.arraySync() as Vec[],
        bIh: layer.biasIh.arraySync() as Vec,
        bHh: layer.biasHh.arraySync() as Vec,
      };
      const n = input[0]?.length ?? 0;
      const mx = Array.from((masks[l] as { x: Float32Array }).x.subarray(b * n, (b + 1) * n));
      const mh = Array.from((masks[l] as { h: Float32Array }).h.subarray(b * H, (b + 1) * H));
      let h: Vec = new Array(H).fill(0);
      let c: Vec = new Array(H).fill(0);
      input = input.map((x, t) => {
        if (t >= (LENGTHS[b] as number)) return new Array(H).fill(0);
        const xm = x.map((v, k) => v * (mx[k] as number));
        const hm = h.map((v, k) => v * (mh[k] as number));
        // The GRU's carry uses the unmasked h: feed the masked h to the matmul only.
        const [h2, c2] = stepMasked(cell, p, xm, h, hm, c);
        [h, c] = [h2, c2];
        return h2;
      });
    });
    return input;
  });
}

function stepMasked(cell: CellType, p: RefLayer, x: Vec, h: Vec, hm: Vec, c: Vec): [Vec, Vec] {
  if (cell !== 'gru') return refStep(cell, p, x, hm, c);
  // z·h uses the true h: subtract z·(hm - h) from the step run on hm.
  const [h2] = refStep(cell, p, x, hm, c);
  const z = p.wIh.slice(H, 2 * H).map((row, j) => {
    const a = row.reduce((s, w, k) => s + w * (x[k] as number), p.bIh[H + j] as number);
    const r = (p.wHh[H + j] as Vec).reduce(
      (s, w, k) => s + w * (hm[k] as number),
      p.bHh[H + j] as number,
    );
    return 1 / (1 + Math.exp(-(a + r)));
  });
  return [h2.map((v, j) => v + (z[j] as number) * ((h[j] as number) - (hm[j] as number))), c];
}

describe.each(BACKENDS)('runVariational on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s matches the reference with masks', (cell) => {
    const rec = createRecurrent(
      { cell, inputSize: I, hiddenSize: H, numLayers: L },
      { init: 'pytorch', seed: 3 },
    );
    const x = randomTensor([B, T, I], createRng(2)) as tf.Tensor3D;
    const run = runVariational(rec, x, {
      ...RATES,
      training: true,
      rng: createRng(9),
      seqLengths: LENGTHS,
    });
    const want = reference(cell, rec, x.arraySync(), 9);
    const got = run.outputs.arraySync();
    want.flat(2).forEach((v, k) => {
      expect(Math.abs((got.flat(2)[k] as number) - v)).toBeLessThan(2e-5);
    });
    // Inference is runRecurrent exactly.
    const a = runVariational(rec, x, { ...RATES, seqLengths: LENGTHS });
    const b = runRecurrent(rec, x, { seqLengths: LENGTHS });
    expect(a.outputs.dataSync()).toEqual(b.outputs.dataSync());
    expect(() => runVariational(rec, x, { ...RATES, training: true })).toThrow(/needs `rng`/);
    tf.dispose([
      x,
      run.outputs,
      run.state.h,
      run.state.c,
      a.outputs,
      a.state.h,
      a.state.c,
      b.outputs,
      b.state.h,
      b.state.c,
    ]);
    disposeRecurrent(rec);
  });

  it('lstm gradients match finite differences and nothing leaks', () => {
    const rec = createRecurrent(
      { cell: 'lstm', inputSize: I, hiddenSize: H, numLayers: L },
      { init: 'pytorch', seed: 4 },
    );
    const x = randomTensor([B, T, I], createRng(5)) as tf.Tensor3D;
    const g = randomTensor([B, T, H], createRng(6));
    const loss = () => {
      const run = runVariational(rec, x, {
        ...RATES,
        training: true,
        rng: createRng(1),
        seqLengths: LENGTHS,
      });
      return tf.addN([
        tf.sum(tf.mul(run.outputs, g)),
        tf.sum(run.state.h),
        tf.sum(run.state.c as tf.Tensor),
      ]) as tf.Scalar;
    };
    const params = recurrentParams(rec);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(loss, Object.values(params));
    const rng = createRng(7);
    for (const v of Object.values(params)) {
      const original = v.dataSync().slice();
      const k = Math.floor(rng() * original.length);
      const at = (d: number) => {
        const values = original.slice();
        values[k] = (values[k] as number) + d;
        tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
        return tf.tidy(() => loss().dataSync()[0] as number);
      };
      const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
      tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
      const got = grads[v.name]?.dataSync()[k] as number;
      expect(Math.abs(numeric - got)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g]);
    disposeRecurrent(rec);
  });
});
