// Wrong shapes are caught before any tfjs op runs, with messages that say what was expected.
import { initBackend } from '@rnnkit/backend';
import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent, type Recurrent, zeroState } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';
import { stepRecurrent } from './step-recurrent.js';

describe.each(BACKENDS)('shape errors on %s', (backend) => {
  let lstm: Recurrent;
  let gru: Recurrent;
  beforeAll(async () => {
    await initBackend({ backend });
    lstm = createRecurrent({ cell: 'lstm', inputSize: 4, hiddenSize: 3, numLayers: 2 });
    gru = createRecurrent({ cell: 'gru', inputSize: 4, hiddenSize: 3 });
  });
  afterAll(() => {
    disposeRecurrent(lstm);
    disposeRecurrent(gru);
  });

  const expectShapeError = (f: () => unknown, message: RegExp) => {
    let error: unknown;
    try {
      f();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as Error).message).toMatch(message);
  };

  it('rejects x of the wrong rank, input size, batch or dtype', () => {
    expectShapeError(
      () => runRecurrent(lstm, tf.zeros([2, 4]) as unknown as tf.Tensor3D),
      /x must be \[batch, time, 4\].*got \[2, 4\]/,
    );
    expectShapeError(
      () => runRecurrent(lstm, tf.zeros([2, 5, 3]) as tf.Tensor3D),
      /inputSize 4.*got \[2, 5, 3\]/,
    );
    expectShapeError(
      () => runRecurrent(lstm, tf.zeros([2, 0, 4]) as tf.Tensor3D),
      /time >= 1.*got \[2, 0, 4\]/,
    );
    expectShapeError(
      () => runRecurrent(lstm, tf.zeros([2, 5, 4], 'int32') as tf.Tensor3D),
      /float32, got int32/,
    );
    expectShapeError(
      () => stepRecurrent(lstm, tf.zeros([2, 5, 4]) as unknown as tf.Tensor2D, zeroState(lstm, 2)),
      /\[batch, 4\] for one step.*got \[2, 5, 4\]/,
    );
  });

  it('rejects initial states that do not match [L, B, H] or the cell', () => {
    const x = tf.zeros([2, 5, 4]) as tf.Tensor3D;
    const h = tf.zeros([2, 2, 3]) as tf.Tensor3D;
    expectShapeError(
      () =>
        runRecurrent(lstm, x, { initialState: { h: tf.zeros([1, 2, 3]) as tf.Tensor3D, c: h } }),
      /h must be \[numLayers, batch, hiddenSize\] = \[2, 2, 3\], got \[1, 2, 3\]/,
    );
    expectShapeError(
      () => runRecurrent(lstm, x, { initialState: { h, c: tf.zeros([2, 3, 3]) as tf.Tensor3D } }),
      /c must be .* = \[2, 2, 3\], got \[2, 3, 3\]/,
    );
    expectShapeError(
      () => runRecurrent(lstm, x, { initialState: { h } }),
      /LSTM state needs c \[2, 2, 3\]/,
    );
    expectShapeError(
      () =>
        runRecurrent(gru, x, {
          initialState: {
            h: tf.zeros([1, 2, 3]) as tf.Tensor3D,
            c: tf.zeros([1, 2, 3]) as tf.Tensor3D,
          },
        }),
      /c is only for LSTM/,
    );
    expectShapeError(
      () =>
        stepRecurrent(gru, tf.zeros([2, 4]) as tf.Tensor2D, {
          h: tf.zeros([1, 3, 3]) as tf.Tensor3D,
        }),
      /stepRecurrent state: h must be .* = \[1, 2, 3\], got \[1, 3, 3\]/,
    );
    expectShapeError(() => zeroState(gru, 0), /batch must be a whole number >= 1, got 0/);
  });

  it('rejects bad seqLengths', () => {
    const x = tf.zeros([2, 5, 4]) as tf.Tensor3D;
    expectShapeError(
      () => runRecurrent(gru, x, { seqLengths: [5] }),
      /one length per example \(batch 2\), got 1/,
    );
    expectShapeError(
      () => runRecurrent(gru, x, { seqLengths: [5, 6] }),
      /seqLengths\[1\] must be an integer in \[0, 5\].*got 6/,
    );
    expectShapeError(
      () => runRecurrent(gru, x, { seqLengths: [-1, 2] }),
      /seqLengths\[0\].*got -1/,
    );
    expectShapeError(
      () => runRecurrent(gru, x, { seqLengths: [2.5, 2] }),
      /seqLengths\[0\].*got 2.5/,
    );
    expectShapeError(
      () => runRecurrent(gru, x, { seqLengths: [Number.NaN, 2] }),
      /seqLengths\[0\].*got NaN/,
    );
  });

  it('rejects bad configurations', () => {
    expect(() => createRecurrent({ cell: 'lstm', inputSize: 0, hiddenSize: 3 })).toThrow(
      /inputSize must be a whole number >= 1, got 0/,
    );
    expect(() =>
      createRecurrent({ cell: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 1.5 }),
    ).toThrow(/numLayers/);
    expect(() => createRecurrent({ cell: 'elman' as 'rnn', inputSize: 2, hiddenSize: 3 })).toThrow(
      /Unknown cell 'elman': use one of rnn, lstm, gru/,
    );
  });
});
