// stepRecurrent is the sampler's path: it must agree with runRecurrent step for step.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, type Nested } from '../../../../fixtures/reference.js';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, zeroState } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';
import { stepRecurrent } from './step-recurrent.js';

const TOL = { atol: 1e-6, rtol: 1e-5 };

describe.each(BACKENDS)('stepRecurrent on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s: T steps equal one runRecurrent call', (cell) => {
    const rng = createRng(8);
    const rec = createRecurrent(
      { cell, inputSize: 3, hiddenSize: 5, numLayers: 2 },
      { init: 'pytorch', seed: 4 },
    );
    const x = randomTensor([2, 4, 3], rng) as tf.Tensor3D;
    const run = runRecurrent(rec, x);
    const xs = tf.unstack(x, 1) as tf.Tensor2D[];
    let state = zeroState(rec, 2);
    const outs: tf.Tensor2D[] = [];
    for (const xt of xs) {
      const next = stepRecurrent(rec, xt, state);
      tf.dispose([state.h, state.c]);
      outs.push(next.output);
      state = next.state;
    }
    const stepped = tf.stack(outs, 1);
    expectClose(stepped.dataSync(), run.outputs.arraySync() as Nested, TOL, 'outputs');
    expectClose(state.h.dataSync(), run.state.h.arraySync() as Nested, TOL, 'h');
    expect(state.c == null).toBe(cell !== 'lstm');
    if (state.c) expectClose(state.c.dataSync(), run.state.c?.arraySync() as Nested, TOL, 'c');
    tf.dispose([
      x,
      run.outputs,
      run.state.h,
      run.state.c,
      ...xs,
      ...outs,
      stepped,
      state.h,
      state.c,
    ]);
    disposeRecurrent(rec);
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s: T = 1 runs forward and backward', (cell) => {
    const rng = createRng(2);
    const rec = createRecurrent(
      { cell, inputSize: 3, hiddenSize: 4, numLayers: 2 },
      { init: 'pytorch', seed: 3 },
    );
    const x = randomTensor([2, 1, 3], rng) as tf.Tensor3D;
    const state = zeroState(rec, 2);
    const step = stepRecurrent(rec, tf.reshape(x, [2, 3]) as tf.Tensor2D, state);
    const run = runRecurrent(rec, x);
    expectClose(run.outputs.dataSync(), step.output.arraySync() as Nested, TOL, 'outputs');
    const loss = () => tf.sum(runRecurrent(rec, x).outputs) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss);
    expect(Object.keys(grads)).toHaveLength(8);
    for (const g of Object.values(grads)) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    const dx = tf.grad((xi: tf.Tensor) => tf.sum(runRecurrent(rec, xi as tf.Tensor3D).outputs))(x);
    expect(dx.shape).toEqual([2, 1, 3]);
    tf.dispose([x, state.h, state.c, step.output, step.state.h, step.state.c, run.outputs]);
    tf.dispose([run.state.h, run.state.c, value, ...Object.values(grads), dx]);
    disposeRecurrent(rec);
  });
});
