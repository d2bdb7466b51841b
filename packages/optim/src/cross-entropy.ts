import type * as tf from '@tensorflow/tfjs-core';
import { checkLossInputs } from './check-loss-inputs.js';
import { sequenceLoss } from './sequence-loss.js';

/**
 * Unweighted softmax cross-entropy in nats at every step,
 * `ce[b,t] = logsumexp(logits[b,t,:]) - logits[b,t,targets[b,t]]`, with the same stable
 * log-softmax, validation and custom gradient as {@link sequenceLoss}.
 *
 * @example
 * ```ts
 * const ce = crossEntropy(logits, targets); // [B, T]
 * ```
 */
export function crossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D): tf.Tensor2D {
  checkLossInputs('crossEntropy', logits, targets);
  return sequenceLoss(logits, targets, undefined, {
    averageAcrossTimesteps: false,
    averageAcrossBatch: false,
  }) as tf.Tensor2D;
}
