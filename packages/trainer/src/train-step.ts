import type { RecurrentState } from '@rnnkit/cells';
import { clipByGlobalNorm, globalNorm, type Optimizer, sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { type CharLM, charLMLogits, charLMParams } from './char-lm.js';
import { tidyResult } from './tidy-result.js';

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
 * One optimisation step: logits, sequence loss, gradients, optional clipping, update.
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
  const params = charLMParams(model);
  return tidyResult(() => {
    let state: RecurrentState | undefined;
    const { value: loss, grads } = tf.variableGrads(() => {
      const out = charLMLogits(model, x, options.initialState);
      state = { h: tf.keep(out.state.h), c: out.state.c ? tf.keep(out.state.c) : undefined };
      return sequenceLoss(out.logits, y, options.weights) as tf.Scalar;
    }, Object.values(params));
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of Object.entries(params)) named[name] = grads[v.name] as tf.Tensor;
    let gradNorm: tf.Scalar;
    let update = named;
    if (options.clipNorm != null) {
      const clipped = clipByGlobalNorm(named, options.clipNorm);
      gradNorm = clipped.globalNorm;
      update = clipped.clipped;
    } else {
      gradNorm = globalNorm(named);
    }
    optimizer.applyGradients(params, update);
    const final = state as RecurrentState;
    return { loss, gradNorm, state: final.c ? { h: final.h, c: final.c } : { h: final.h } };
  });
}
