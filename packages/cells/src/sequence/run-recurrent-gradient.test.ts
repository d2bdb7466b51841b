// Finite-difference check of runRecurrent's hand-written BPTT, including the gradients that
// flow in through the final state (the reference vectors only weight the outputs).
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellType } from '../cell/cell-type.js';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, recurrentParams } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';

const B = 3;
const T = 4;
const I = 3;
const H = 4;
const EPS = 1e-2;
const SAMPLES = 6;

interface Case {
  cell: CellType;
  numLayers: number;
  seqLengths?: number[];
}
const CASES: Case[] = (['rnn', 'lstm', 'gru'] as const).flatMap((cell) => [
  { cell, numLayers: 1 },
  { cell, numLayers: 2 },
  { cell, numLayers: 2, seqLengths: [4, 2, 0] },
]);

describe.each(BACKENDS)('runRecurrent gradient vs finite differences on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CASES)('$cell L=$numLayers seqLengths=$seqLengths', ({ cell, numLayers, seqLengths }) => {
    const rng = createRng(11);
    const rec = createRecurrent(
      { cell, inputSize: I, hiddenSize: H, numLayers },
      { init: 'pytorch', seed: 5 },
    );
    const lstm = cell === 'lstm';
    const x = randomTensor([B, T, I], rng);
    const h0 = randomTensor([numLayers, B, H], rng);
    const c0 = lstm ? randomTensor([numLayers, B, H], rng) : undefined;
    const gOut = randomTensor([B, T, H], rng);
    const gH = randomTensor([numLayers, B, H], rng);
    const gC = randomTensor([numLayers, B, H], rng);

    // loss = Σ outputs·G + Σ h_n·G_h (+ Σ c_n·G_c)
    const loss = (...inputs: tf.Tensor[]): tf.Scalar => {
      const [xi, hi, ci] = inputs as tf.Tensor3D[];
      const initialState = ci ? { h: hi as tf.Tensor3D, c: ci } : { h: hi as tf.Tensor3D };
      const run = runRecurrent(rec, xi as tf.Tensor3D, { initialState, seqLengths });
      const terms = [tf.sum(tf.mul(run.outputs, gOut)), tf.sum(tf.mul(run.state.h, gH))];
      if (run.state.c) terms.push(tf.sum(tf.mul(run.state.c, gC)));
      return tf.addN(terms) as tf.Scalar;
    };
    const wrt = c0 ? [x, h0, c0] : [x, h0];
    const evalLoss = (inputs: tf.Tensor[]) =>
      tf.tidy(() => loss(...inputs).dataSync()[0] as number);
    const analytic = tf.grads(loss)(wrt);
    const params = recurrentParams(rec);
    const vg = tf.variableGrads(() => loss(...wrt), Object.values(params));

    const targets: [string, tf.Tensor, tf.Tensor][] = [
      ['x', x, analytic[0] as tf.Tensor],
      ['h0', h0, analytic[1] as tf.Tensor],
      ...(c0 ? [['c0', c0, analytic[2] as tf.Tensor] as [string, tf.Tensor, tf.Tensor]] : []),
      ...Object.entries(params).map(
        ([name, v]) => [name, v, vg.grads[v.name] as tf.Tensor] as [string, tf.Tensor, tf.Tensor],
      ),
    ];
    let checked = 0;
    for (const [index, [name, tensor, grad]] of targets.entries()) {
      const original = tensor.dataSync().slice();
      const g = grad.dataSync();
      for (let s = 0; s < SAMPLES; s++) {
        const k = Math.floor(rng() * original.length);
        const fd = [EPS, -EPS].map((d) => {
          const values = original.slice();
          values[k] = (values[k] as number) + d;
          return tf.tidy(() => {
            if (tensor instanceof tf.Variable) {
              tensor.assign(tf.tensor(values, tensor.shape));
              return evalLoss(wrt);
            }
            const inputs = [...wrt];
            inputs[index] = tf.tensor(values, tensor.shape);
            return evalLoss(inputs);
          });
        });
        if (tensor instanceof tf.Variable)
          tf.tidy(() => tensor.assign(tf.tensor(original, tensor.shape)));
        const numeric = ((fd[0] as number) - (fd[1] as number)) / (2 * EPS);
        const got = g[k] as number;
        const tol = 2e-3 + 1e-2 * Math.max(Math.abs(numeric), Math.abs(got));
        if (!(Math.abs(numeric - got) <= tol)) {
          throw new Error(`d${name}[${k}]: analytic ${got}, finite difference ${numeric}`);
        }
        checked++;
      }
    }
    expect(checked).toBe(targets.length * SAMPLES);
    if (seqLengths) {
      // Padded inputs of example 2 (length 0) and example 1 past step 2 get no gradient.
      const dx = analytic[0]?.arraySync() as number[][][];
      expect(dx[2]?.flat().every((v) => v === 0)).toBe(true);
      expect(
        dx[1]
          ?.slice(2)
          .flat()
          .every((v) => v === 0),
      ).toBe(true);
    }
    tf.dispose([x, h0, c0, gOut, gH, gC, ...analytic, vg.value, ...Object.values(vg.grads)]);
    disposeRecurrent(rec);
  });
});
