// Every public call is tidy-scoped: repeated training and sampling steps must not grow memory.
import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { createEmbedding, embed } from '../layers/embedding.js';
import { applyLinear, createLinear } from '../layers/linear.js';
import { disposeRecurrent, zeroState } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';
import { stepRecurrent } from './step-recurrent.js';

/** Runs `f` 5 times and checks the live tensor count is the same after each run. */
function expectFlat(f: () => void): void {
  f(); // warm-up: backends may allocate once
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    f();
    counts.push(tf.memory().numTensors);
  }
  expect(new Set(counts).size).toBe(1);
}

describe.each(BACKENDS)('memory on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each([
    ['rnn', undefined],
    ['lstm', undefined],
    ['gru', undefined],
    ['lstm', [4, 1, 0]],
    ['gru', [2, 4, 3]],
  ] as const)('%s training step (seqLengths %s) is flat', (cell, seqLengths) => {
    const rec = createRecurrent({ cell, inputSize: 5, hiddenSize: 4, numLayers: 2 });
    const emb = createEmbedding(5, 5);
    const fc = createLinear(4, 5);
    const ids = tf.tensor2d(
      [
        [0, 1, 2, 3],
        [4, 3, 2, 1],
        [1, 1, 1, 1],
      ],
      [3, 4],
      'int32',
    );
    let state = zeroState(rec, 3);
    const before = tf.memory().numTensors;
    expectFlat(() => {
      const { value, grads } = tf.variableGrads(() => {
        const run = runRecurrent(rec, embed(emb, ids), { initialState: state, seqLengths });
        const next = { h: tf.keep(run.state.h), c: run.state.c && tf.keep(run.state.c) };
        tf.dispose([state.h, state.c]);
        state = next;
        return tf.mean(tf.square(applyLinear(fc, run.outputs))) as tf.Scalar;
      });
      expect(Object.keys(grads)).toHaveLength(8 + 1 + 2);
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ids, state.h, state.c, emb.weight, fc.weight, fc.bias]);
    disposeRecurrent(rec);
  });

  it.each(['rnn', 'lstm', 'gru'] as const)('%s sampling steps are flat', (cell) => {
    const rec = createRecurrent({ cell, inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const x = randomTensor([1, 3], createRng(1)) as tf.Tensor2D;
    let state = zeroState(rec, 1);
    expectFlat(() => {
      const next = stepRecurrent(rec, x, state);
      tf.dispose([state.h, state.c, next.output]);
      state = next.state;
    });
    tf.dispose([x, state.h, state.c]);
    disposeRecurrent(rec);
  });

  it('forward-only runs are flat', () => {
    const rec = createRecurrent({ cell: 'lstm', inputSize: 3, hiddenSize: 4 });
    const x = randomTensor([2, 6, 3], createRng(1)) as tf.Tensor3D;
    expectFlat(() => {
      const run = runRecurrent(rec, x, { seqLengths: [6, 2] });
      tf.dispose([run.outputs, run.state.h, run.state.c]);
    });
    tf.dispose(x);
    disposeRecurrent(rec);
  });
});
