// seqLengths: a padded batch behaves like each example run alone with its own length.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, type Nested } from '../../../../fixtures/reference.js';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, type Recurrent, type RecurrentState } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';

const B = 3;
const T = 5;
const I = 3;
const H = 4;
const L = 2;
const LENGTHS = [5, 3, 0];
const TOL = { atol: 1e-6, rtol: 1e-5 };

/** loss = Σ outputs·G + Σ h_n·G_h (+ Σ c_n·G_c), so every output and state gets a gradient. */
function lossOf(rec: Recurrent, g: tf.Tensor[], seqLengths?: number[]) {
  return (...inputs: tf.Tensor[]): tf.Scalar => {
    const [x, h, c] = inputs as tf.Tensor3D[];
    const initialState: RecurrentState = c ? { h: h as tf.Tensor3D, c } : { h: h as tf.Tensor3D };
    const run = runRecurrent(rec, x as tf.Tensor3D, { initialState, seqLengths });
    const terms = [
      tf.sum(tf.mul(run.outputs, g[0] as tf.Tensor)),
      tf.sum(tf.mul(run.state.h, g[1] as tf.Tensor)),
    ];
    if (run.state.c) terms.push(tf.sum(tf.mul(run.state.c, g[2] as tf.Tensor)));
    return tf.addN(terms) as tf.Scalar;
  };
}

describe.each(BACKENDS)('runRecurrent with seqLengths on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s: padded batch equals each example alone', (cell) => {
    const rng = createRng(3);
    const rec = createRecurrent(
      { cell, inputSize: I, hiddenSize: H, numLayers: L },
      { init: 'pytorch', seed: 9 },
    );
    const lstm = cell === 'lstm';
    const x = randomTensor([B, T, I], rng);
    const h0 = randomTensor([L, B, H], rng);
    const c0 = randomTensor([L, B, H], rng);
    const g = [
      randomTensor([B, T, H], rng),
      randomTensor([L, B, H], rng),
      randomTensor([L, B, H], rng),
    ];
    const wrt = lstm ? [x, h0, c0] : [x, h0];

    const state0: RecurrentState = lstm
      ? { h: h0 as tf.Tensor3D, c: c0 as tf.Tensor3D }
      : { h: h0 as tf.Tensor3D };
    const batch = runRecurrent(rec, x as tf.Tensor3D, {
      initialState: state0,
      seqLengths: LENGTHS,
    });
    const outputs = batch.outputs.arraySync();
    const hN = batch.state.h.arraySync();
    const cN = batch.state.c?.arraySync();
    const grads = tf
      .grads(lossOf(rec, g, LENGTHS))(wrt)
      .map((t) => t.arraySync() as number[][][]);

    LENGTHS.forEach((len, b) => {
      // Past its length an example outputs exact zeros and gets no input gradient.
      for (let t = len; t < T; t++) {
        expect(outputs[b]?.[t]?.every((v) => v === 0)).toBe(true);
        expect(grads[0]?.[b]?.[t]?.every((v) => v === 0)).toBe(true);
      }
      const layersOf = (s: Nested) => (s as number[][][]).map((layer) => layer[b] as number[]);
      if (len === 0) {
        // Nothing ran: the final state is the initial state.
        expectClose(flatOf(layersOf(hN)), layersOf(h0.arraySync() as Nested), TOL, 'h_n');
        if (cN) expectClose(flatOf(layersOf(cN)), layersOf(c0.arraySync() as Nested), TOL, 'c_n');
        expectClose(
          flatOf(layersOf(grads[1] as Nested)),
          layersOf(g[1]?.arraySync() as Nested),
          TOL,
          'dh0',
        );
        return;
      }
      const pick = (t: tf.Tensor, axis: number, size = 1, at = b) => {
        const begin = t.shape.map((_, k) => (k === axis ? at : 0));
        const sizes = t.shape.map((d, k) => (k === axis ? size : d));
        return tf.slice(t, begin, sizes);
      };
      const alone = tf.tidy(() => {
        const xb = pick(pick(x, 0), 1, len, 0);
        const inputs = [xb, pick(h0, 1), ...(lstm ? [pick(c0, 1)] : [])];
        const gb = [
          pick(pick(g[0] as tf.Tensor, 0), 1, len, 0),
          pick(g[1] as tf.Tensor, 1),
          pick(g[2] as tf.Tensor, 1),
        ];
        const initialState = (
          lstm ? { h: inputs[1], c: inputs[2] } : { h: inputs[1] }
        ) as RecurrentState;
        const run = runRecurrent(rec, xb as tf.Tensor3D, { initialState });
        return [
          run.outputs,
          run.state.h,
          run.state.c ?? tf.zeros([0]),
          ...tf.grads(lossOf(rec, gb))(inputs),
        ];
      });
      const [out, h, c, dx, dh0, dc0] = alone.map((t) => t.arraySync()) as number[][][][];
      expectClose(
        flatOf((outputs[b] as number[][]).slice(0, len)),
        out?.[0] as Nested,
        TOL,
        'outputs',
      );
      expectClose(flatOf(layersOf(hN)), h as Nested, TOL, 'h_n');
      expectClose(
        flatOf(((grads[0] as number[][][])[b] as number[][]).slice(0, len)),
        dx?.[0] as Nested,
        TOL,
        'dx',
      );
      expectClose(flatOf(layersOf(grads[1] as Nested)), dh0 as Nested, TOL, 'dh0');
      if (cN) {
        expectClose(flatOf(layersOf(cN)), c as Nested, TOL, 'c_n');
        expectClose(flatOf(layersOf(grads[2] as Nested)), dc0 as Nested, TOL, 'dc0');
      }
      tf.dispose(alone);
    });
    tf.dispose([x, h0, c0, ...g, batch.outputs, batch.state.h, batch.state.c]);
    disposeRecurrent(rec);
  });

  it('treats full lengths like no lengths, and T = 1 with lengths [1, 0]', () => {
    const rng = createRng(4);
    const rec = createRecurrent({ cell: 'lstm', inputSize: I, hiddenSize: H }, { seed: 1 });
    const x = randomTensor([2, 1, I], rng) as tf.Tensor3D;
    const full = runRecurrent(rec, x, { seqLengths: [1, 1] });
    const plain = runRecurrent(rec, x);
    expect(full.outputs.arraySync()).toEqual(plain.outputs.arraySync());
    const masked = runRecurrent(rec, x, { seqLengths: [1, 0] });
    const out = masked.outputs.arraySync();
    expect(out[0]).toEqual(plain.outputs.arraySync()[0]);
    expect(out[1]?.flat().every((v) => v === 0)).toBe(true);
    expect(
      ((masked.state.c as tf.Tensor3D).arraySync() as number[][][])[0]?.[1]?.every((v) => v === 0),
    ).toBe(true);
    const dx = tf.grad((xi: tf.Tensor) =>
      tf.sum(runRecurrent(rec, xi as tf.Tensor3D, { seqLengths: [1, 0] }).outputs),
    )(x);
    expect((dx.arraySync() as number[][][])[1]?.flat().every((v) => v === 0)).toBe(true);
    tf.dispose([
      x,
      full.outputs,
      full.state.h,
      full.state.c,
      plain.outputs,
      plain.state.h,
      plain.state.c,
    ]);
    tf.dispose([masked.outputs, masked.state.h, masked.state.c, dx]);
    disposeRecurrent(rec);
  });
});

function flatOf(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flatOf) : [x as number];
}
