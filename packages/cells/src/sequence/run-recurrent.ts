import * as tf from '@tensorflow/tfjs-core';
import { type CustomRecurrent, isCustomRecurrent } from '../cell/custom-cell.js';
import { RecurrentOptionError } from '../errors.js';
import { type Recurrent, type RecurrentState, recurrentParams, zeroState } from '../recurrent.js';
import { checkSequence, checkState } from './check-shapes.js';
import { runCustomLayers } from './run-custom.js';
import { RUNNER_WORDING, seqLengthsOf } from './seq-lengths.js';
import { sequenceOp } from './sequence-op.js';
import { takeRows } from './take-rows.js';

export interface RunOptions {
  /** State before the first step, `[L, B, H]` (and `c` for LSTM). Default: zeros. */
  initialState?: RecurrentState;
  /**
   * Valid steps per example, integers in [0, T], as TF's `dynamic_rnn(sequence_length)`:
   * from step `len[b]` on, example b's state is carried unchanged and its output is 0, so the
   * final state is the state after its last valid step (the initial state for length 0).
   */
  seqLengths?: ArrayLike<number>;
  /**
   * `[B, T]` boolean (or 0/1) mask, holes anywhere (Keras' mask): a masked step leaves the
   * state unchanged. With `seqLengths` too, a step runs only where both allow it. cpu/wasm.
   */
  mask?: tf.Tensor2D;
  /**
   * What a masked step (mask or past a length) outputs: `'zero'` (default; TF `dynamic_rnn`)
   * or `'previous'`, the state it carries, as Keras and tfjs-layers do.
   */
  maskedOutput?: 'zero' | 'previous';
  /**
   * Keras `go_backwards`: read the steps last to first; outputs come in that (reversed)
   * order, as Keras returns them. The mask is reversed with the input.
   */
  goBackwards?: boolean;
  /**
   * `false` when nothing asks for the gradient with respect to `x` (it is data, such as one-hot
   * characters made for this call): the first layer then skips computing it (a
   * `[T*B, G*H]·[G*H, I]` matMul) and reports zeros. Default true.
   */
  inputGradient?: boolean;
}

export interface RunResult {
  outputs: tf.Tensor3D; // [B, T, H], top layer
  /** Final state of every layer. */
  state: RecurrentState;
}

/**
 * Runs the stacked network over a batch of sequences (batch-first, as PyTorch with
 * `batch_first=True`). Differentiable with respect to `x`, the initial state and every weight
 * through its own BPTT gradient, so `tf.grads` / `tf.variableGrads` work on cpu and wasm.
 *
 * A custom cell (`createCustomRecurrent`) runs with the same options, step by step in tfjs ops
 * with the tape's gradient (see `defineCell`).
 *
 * @example
 * ```ts
 * const lstm = createRecurrent({ cell: 'lstm', inputSize: 4, hiddenSize: 8 });
 * const x = tf.randomNormal([2, 5, 4]) as tf.Tensor3D;
 * const { outputs, state } = runRecurrent(lstm, x); // outputs [2, 5, 8]; state.h, state.c [1, 2, 8]
 * // Carry the state into the next chunk (truncated BPTT):
 * const next = runRecurrent(lstm, x, { initialState: state });
 * ```
 */
export function runRecurrent(
  rec: Recurrent | CustomRecurrent,
  x: tf.Tensor3D,
  options: RunOptions = {},
): RunResult {
  const { numLayers } = rec.config;
  const [batch, time] = checkSequence(rec, x, 'runRecurrent');
  const { initialState, seqLengths, mask, maskedOutput = 'zero', goBackwards = false } = options;
  if (maskedOutput !== 'zero' && maskedOutput !== 'previous') {
    throw new RecurrentOptionError(
      `runRecurrent: maskedOutput must be 'zero' or 'previous' (Keras), got ${String(maskedOutput)}.`,
    );
  }
  if (mask != null && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time)) {
    throw new RecurrentOptionError(
      `runRecurrent: mask must be [batch, time] = [${batch}, ${time}], got [${mask.shape.join(', ')}].`,
    );
  }
  if (goBackwards && seqLengths != null) {
    throw new RecurrentOptionError(
      'runRecurrent: goBackwards reads the padding first; give a mask instead of seqLengths (Keras semantics).',
    );
  }
  if (initialState != null) checkState(rec, initialState, batch, 'runRecurrent initialState');
  let lengths =
    seqLengths == null
      ? undefined
      : seqLengthsOf(seqLengths, batch, time, 'runRecurrent', RUNNER_WORDING);
  // Full-length batches need no masking ops.
  if (lengths?.every((len) => len === time)) lengths = undefined;

  if (isCustomRecurrent(rec)) {
    return tf.tidy(() => {
      const run = runCustomLayers(rec, x, {
        initialState: initialState ?? zeroState(rec, batch),
        lengths,
        mask,
        carry: maskedOutput === 'previous',
        goBackwards,
      });
      return { outputs: run.outputs, state: run.c ? { h: run.h, c: run.c } : { h: run.h } };
    });
  }
  const { cell } = rec.config;
  return tf.tidy(() => {
    const state = initialState ?? zeroState(rec, batch);
    const lstm = cell === 'lstm';
    const inputs = [x, state.h, ...(lstm ? [state.c as tf.Tensor3D] : [])];
    const keras = {
      mask,
      reverseMask: goBackwards,
      carry: maskedOutput === 'previous',
    };
    const input = goBackwards ? (tf.reverse(x, 1) as tf.Tensor3D) : x;
    inputs[0] = input;
    const packed = sequenceOp(
      rec,
      lengths,
      keras,
      options.inputGradient ?? true,
    )(...inputs, ...Object.values(recurrentParams(rec)));
    const outputs = takeRows(packed, 0, time, [1, 0, 2]); // [B, T, H]
    const h = takeRows(packed, time, numLayers); // [L, B, H]
    if (!lstm) return { outputs, state: { h } };
    return {
      outputs,
      state: { h, c: takeRows(packed, time + numLayers, numLayers) },
    };
  });
}
