// The sampling fast path must compute what the sequence runner computes, step by step, with
// its SIMD stepper and with the plain-JS one, on both backends.
import { initBackend } from '@rnnkit/backend';
import { createRng, DisposedError, ShapeError } from '@rnnkit/core';
import { setSimdEnabled, simdSupported } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { RecurrentOptionError } from '../errors.js';
import { applyLinear, createLinear } from '../layers/linear.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { createStepper } from './recurrent-stepper.js';
import { runRecurrent } from './run-recurrent.js';

const worst = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

afterEach(() => setSimdEnabled(true));

describe.each(BACKENDS)('createStepper on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  const cases: ['simd' | 'js', 'rnn' | 'lstm' | 'gru', number, number, 'ids' | 'rows'][] = [];
  for (const path of ['simd', 'js'] as const) {
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      cases.push([path, cell, 1, 7, 'ids'], [path, cell, 2, 13, 'rows'], [path, cell, 3, 6, 'ids']);
    }
  }

  it.each(cases)(
    '%s %s, %i layers of %i units, %s: h, c and logits match runRecurrent + linear over 200 steps',
    { timeout: 60_000 },
    (path, cell, L, H, input) => {
      setSimdEnabled(path === 'simd');
      const [I, V, T] = [5, 9, 200];
      const rec = createRecurrent(
        { cell, inputSize: I, hiddenSize: H, numLayers: L },
        { seed: L + H, init: 'pytorch' },
      );
      const head = createLinear(H, V, { seed: 4, init: 'pytorch' });
      const rng = createRng(H);
      const ids = Array.from({ length: T }, () => Math.floor(rng() * I));
      const rows = Float32Array.from({ length: T * I }, () => 2 * rng() - 1);
      const x =
        input === 'ids'
          ? tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), I), 'float32'))
          : tf.tensor(rows, [T, I]);
      const run = runRecurrent(rec, tf.reshape(x, [1, T, I]) as tf.Tensor3D);
      const logits = applyLinear(head, run.outputs);
      const [want, wantLogits] = [run.outputs.dataSync(), logits.dataSync()];

      const stepper = createStepper(rec, { head });
      expect(stepper.simd).toBe(path === 'simd' && simdSupported());
      let [err, errLogits] = [0, 0];
      for (let t = 0; t < T; t++) {
        const h = stepper.step(
          input === 'ids' ? (ids[t] as number) : rows.subarray(t * I, (t + 1) * I),
        );
        err = Math.max(err, worst(h, want.subarray(t * H, (t + 1) * H)));
        errLogits = Math.max(
          errLogits,
          worst(stepper.logits(), wantLogits.subarray(t * V, (t + 1) * V)),
        );
      }
      expect(err).toBeLessThan(1e-5);
      expect(errLogits).toBeLessThan(1e-5);
      const state = stepper.getState();
      expect(state.h.shape).toEqual([L, 1, H]);
      expect(worst(state.h.dataSync(), run.state.h.dataSync())).toBeLessThan(1e-5);
      if (cell === 'lstm') {
        expect(worst(state.c?.dataSync() ?? [], run.state.c?.dataSync() ?? [1])).toBeLessThan(1e-5);
      } else {
        expect(state.c).toBeUndefined();
      }
      tf.dispose([x, run.outputs, run.state.h, run.state.c as tf.Tensor, logits]);
      tf.dispose([state.h, state.c as tf.Tensor, head.weight, head.bias]);
      stepper.dispose();
      disposeRecurrent(rec);
    },
  );

  it('continues from a state it is given, as runRecurrent from that initial state', () => {
    const rec = createRecurrent({ cell: 'lstm', inputSize: 4, hiddenSize: 5, numLayers: 2 });
    const rng = createRng(9);
    const h0 = tf.tensor3d(
      Float32Array.from({ length: 10 }, () => rng() - 0.5),
      [2, 1, 5],
    );
    const c0 = tf.tensor3d(
      Float32Array.from({ length: 10 }, () => rng() - 0.5),
      [2, 1, 5],
    );
    const x = tf.tensor3d([[[0.5, -1, 0.25, 2]]]);
    const run = runRecurrent(rec, x, { initialState: { h: h0, c: c0 } });
    const stepper = createStepper(rec);
    stepper.setState({ h: h0, c: c0 });
    const h = stepper.step(Float32Array.from([0.5, -1, 0.25, 2]));
    expect(worst(h, run.outputs.dataSync())).toBeLessThan(1e-6);
    stepper.setState(); // zeros
    const fromZero = runRecurrent(rec, x);
    expect(
      worst(stepper.step(Float32Array.from([0.5, -1, 0.25, 2])), fromZero.outputs.dataSync()),
    ).toBeLessThan(1e-6);
    tf.dispose([h0, c0, x, run.outputs, run.state.h, run.state.c as tf.Tensor]);
    tf.dispose([fromZero.outputs, fromZero.state.h, fromZero.state.c as tf.Tensor]);
    stepper.dispose();
    disposeRecurrent(rec);
  });

  it('goes stale when a weight or the head is assigned, or SIMD is turned off or on', () => {
    const rec = createRecurrent({ cell: 'lstm', inputSize: 3, hiddenSize: 2 });
    const head = createLinear(2, 3);
    const stepper = createStepper(rec, { head });
    expect(stepper.stale()).toBe(false);
    const layer = rec.layers[0] as (typeof rec.layers)[number];
    layer.biasHh.assign(tf.onesLike(layer.biasHh));
    expect(stepper.stale()).toBe(true);
    const again = createStepper(rec, { head });
    expect(again.stale()).toBe(false);
    head.bias.assign(tf.onesLike(head.bias));
    expect(again.stale()).toBe(true);
    const third = createStepper(rec, { head });
    setSimdEnabled(false);
    expect(third.stale()).toBe(true);
    const plain = createStepper(rec, { head });
    expect(plain.simd).toBe(false);
    setSimdEnabled(true);
    expect(plain.stale()).toBe(true);
    for (const s of [stepper, again, third, plain]) s.dispose();
    tf.dispose([head.weight, head.bias]);
    disposeRecurrent(rec);
  });

  it('leaves no tensor behind, and refuses calls after dispose or without a head', () => {
    const rec = createRecurrent({ cell: 'gru', inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const head = createLinear(4, 6);
    const before = tf.memory().numTensors;
    for (const simd of [true, false]) {
      setSimdEnabled(simd);
      const stepper = createStepper(rec, { head });
      for (let i = 0; i < 20; i++) stepper.step(i % 3);
      stepper.logits();
      stepper.setState();
      stepper.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(() => stepper.step(0)).toThrow(DisposedError);
      expect(() => stepper.logits()).toThrow(/the stepper was disposed/);
      expect(() => stepper.getState()).toThrow(DisposedError);
    }
    const bare = createStepper(rec);
    expect(() => bare.logits()).toThrow(RecurrentOptionError);
    expect(() => bare.step(3)).toThrow(/id 3 is outside the one-hot input \[0, 3\)/);
    expect(() => bare.step(new Float32Array(4))).toThrow(/has 4 values, expected inputSize = 3/);
    const h = tf.zeros([1, 1, 4]) as tf.Tensor3D;
    expect(() => bare.setState({ h })).toThrow(/state.h has shape \[1,1,4\], expected \[2, 1, 4\]/);
    const wrongHead = createLinear(5, 6);
    expect(() => createStepper(rec, { head: wrongHead })).toThrow(ShapeError);
    bare.dispose();
    tf.dispose([h, head.weight, head.bias, wrongHead.weight, wrongHead.bias]);
    disposeRecurrent(rec);
  });

  it('refuses a network whose equations it does not step (Keras activations, reset-before GRU)', () => {
    const cases = [
      [{ cell: 'rnn', activation: 'relu' }, /activation 'relu'/],
      [{ cell: 'lstm', recurrentActivation: 'hardSigmoid' }, /recurrentActivation 'hardSigmoid'/],
      [{ cell: 'gru', resetAfter: false }, /resetAfter: false/],
    ] as const;
    for (const [options, message] of cases) {
      const rec = createRecurrent({ inputSize: 3, hiddenSize: 4, ...options });
      expect(() => createStepper(rec)).toThrow(RecurrentOptionError);
      expect(() => createStepper(rec)).toThrow(message);
      expect(() => createStepper(rec)).toThrow(/runRecurrent/);
      disposeRecurrent(rec);
    }
  });
});
