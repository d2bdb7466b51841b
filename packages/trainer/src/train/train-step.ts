import type { RecurrentState } from '@rnnkit/cells';
import type { Optimizer } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { type CharLM, charLMLoss, charLMParams } from '../models/char-lm.js';
import { minimize } from './minimize-step.js';

export interface TrainStepOptions {
  /** Clip the gradients to this global norm; no clipping when omitted. */
  clipNorm?: number;
  /** Loss weights `[B, T]`; zeros mask steps. Default: all ones. */
  weights?: tf.Tensor2D;
  /** State to start from (truncated BPTT carries it across batches); default zeros. */
  initialState?: RecurrentState;
}

export interface TrainStepResult {
  /** Mean cross-entropy in nats per character, before the update. */
  loss: tf.Scalar;
  /** Global norm of the gradients before clipping. */
  gradNorm: tf.Scalar;
  /** Final recurrent state, to carry into the next window. */
  state: RecurrentState;
}

/**
 * One optimisation step: the sequence loss (`charLMLoss`), gradients, optional clipping, update.
 * Returns tensors, not numbers, so that a loop reads values back only when it logs.
 * The caller disposes the result.
 *
 * @example
 * ```ts
 * const { loss, gradNorm, state } = trainStep(model, adam({ learningRate: 0.1 }), x, y);
 * console.log(loss.dataSync()[0]);
 * tf.dispose([loss, gradNorm, state.h, state.c]);
 * ```
 */
export function trainStep(
  model: CharLM,
  optimizer: Optimizer,
  x: tf.Tensor2D, // [B, T] int32 inputs
  y: tf.Tensor2D, // [B, T] int32 targets
  options: TrainStepOptions = {},
): TrainStepResult {
  let state: RecurrentState | undefined;
  const { loss, gradNorm } = minimize(
    charLMParams(model),
    optimizer,
    () => {
      const out = charLMLoss(model, x, y, options.initialState, options.weights);
      state = out.state.c
        ? { h: tf.keep(out.state.h), c: tf.keep(out.state.c) }
        : { h: tf.keep(out.state.h) };
      return out.loss;
    },
    options,
  );
  return { loss, gradNorm, state: state as RecurrentState };
}
