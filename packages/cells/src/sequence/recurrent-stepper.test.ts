// The sampling fast path must compute what the sequence runner computes, step by step.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { createStepper } from './recurrent-stepper.js';
import { runRecurrent } from './run-recurrent.js';

describe.each(BACKENDS)('createStepper on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s: matches runRecurrent on one-hot ids', (cell) => {
    const rec = createRecurrent({ cell, inputSize: 5, hiddenSize: 6, numLayers: 2 }, { seed: 3 });
    const ids = [1, 4, 0, 2, 2, 3];
    const x = tf.oneHot(tf.tensor1d(ids, 'int32'), 5);
    const run = runRecurrent(
      rec,
      tf.reshape(tf.cast(x, 'float32'), [1, ids.length, 5]) as tf.Tensor3D,
    );
    const want = run.outputs.arraySync()[0] as number[][];
    const stepper = createStepper(rec);
    for (const [t, id] of ids.entries()) {
      const h = Array.from(stepper.step(id));
      for (const [j, v] of h.entries()) expect(v).toBeCloseTo(want[t]?.[j] as number, 5);
    }
    const state = stepper.getState();
    const wantH = run.state.h.dataSync();
    for (const [i, v] of state.h.dataSync().entries()) {
      expect(v).toBeCloseTo(wantH[i] as number, 5);
    }
    tf.dispose([
      x,
      run.outputs,
      run.state.h,
      run.state.c as tf.Tensor,
      state.h,
      state.c as tf.Tensor,
    ]);
    disposeRecurrent(rec);
  });

  it('goes stale when a weight is assigned', () => {
    const rec = createRecurrent({ cell: 'lstm', inputSize: 3, hiddenSize: 2 });
    const stepper = createStepper(rec);
    expect(stepper.stale()).toBe(false);
    const layer = rec.layers[0] as (typeof rec.layers)[number];
    layer.biasHh.assign(tf.onesLike(layer.biasHh));
    expect(stepper.stale()).toBe(true);
    stepper.dispose();
    disposeRecurrent(rec);
  });
});
