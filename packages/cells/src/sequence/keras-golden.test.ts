// tfjs-layers' own hard-coded expected values (tfjs-layers/src/layers/recurrent_test.ts,
// obtained there from TensorFlow's Keras), recomputed by rnnkit: an independent check of the
// Keras semantics: all-ones weights, tfjs-layers' default hard sigmoid, GRU reset-before.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, type RecurrentConfig } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';

const UNITS = 5;
const BATCH = 4;
const INPUT = 2;

/** Every kernel and recurrent kernel 1 and the Keras bias 1 (b_ih = 1, b_hh = 0). */
function onesNetwork(config: Omit<RecurrentConfig, 'inputSize' | 'hiddenSize'>) {
  const rec = createRecurrent({ ...config, inputSize: INPUT, hiddenSize: UNITS });
  const [layer] = rec.layers;
  if (!layer) throw new Error('no layer');
  for (const v of [layer.weightIh, layer.weightHh, layer.biasIh]) v.assign(tf.onesLike(v));
  layer.biasHh.assign(tf.zerosLike(layer.biasHh));
  return rec;
}

/** The per-step value every element of a [B, T, H] output holds. */
function perStep(outputs: tf.Tensor3D): number[] {
  const all = outputs.arraySync();
  const steps = all[0]?.map((row) => row[0] as number) ?? [];
  for (const b of all)
    for (const [t, row] of b.entries())
      for (const v of row) {
        expect(v).toBeCloseTo(steps[t] as number, 6);
      }
  return steps;
}

describe.each(BACKENDS)("tfjs-layers' golden values on %s", (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('LSTM, default hardSigmoid, ones input, T = 2: 0.7595095, 0.96367633; c 1.99505234', () => {
    const rec = onesNetwork({ cell: 'lstm', recurrentActivation: 'hardSigmoid' });
    const x = tf.ones([BATCH, 2, INPUT]) as tf.Tensor3D;
    const { outputs, state } = runRecurrent(rec, x);
    const [t0, t1] = perStep(outputs);
    expect(t0).toBeCloseTo(0.7595095, 6);
    expect(t1).toBeCloseTo(0.96367633, 6);
    const c = state.c?.dataSync() ?? [];
    for (const v of c) expect(v).toBeCloseTo(1.99505234, 6);
    for (const v of state.h.dataSync()) expect(v).toBeCloseTo(0.96367633, 6);
    tf.dispose([x, outputs, state.h, state.c]);
    disposeRecurrent(rec);
  });

  it('GRU reset-before, default hardSigmoid, zeros input, T = 3: 0.22847827, 0.2813754, 0.29444352', () => {
    const rec = onesNetwork({ cell: 'gru', recurrentActivation: 'hardSigmoid', resetAfter: false });
    const x = tf.zeros([BATCH, 3, INPUT]) as tf.Tensor3D;
    const { outputs, state } = runRecurrent(rec, x);
    const steps = perStep(outputs);
    [0.22847827, 0.2813754, 0.29444352].forEach((want, t) => {
      expect(steps[t]).toBeCloseTo(want, 6);
    });
    tf.dispose([x, outputs, state.h]);
    disposeRecurrent(rec);
  });

  it('SimpleRNN, linear, ones input, T = 2: 3 and 18', () => {
    const rec = onesNetwork({ cell: 'rnn', activation: 'linear' });
    const x = tf.ones([BATCH, 2, INPUT]) as tf.Tensor3D;
    const { outputs, state } = runRecurrent(rec, x);
    expect(perStep(outputs)).toEqual([3, 18]);
    tf.dispose([x, outputs, state.h]);
    disposeRecurrent(rec);
  });
});
