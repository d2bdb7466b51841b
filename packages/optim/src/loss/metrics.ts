import * as tf from '@tensorflow/tfjs-core';
import { checkLossInputs } from './check-inputs.js';
import { DENOMINATOR_EPSILON } from './sequence-loss.js';

/**
 * Weighted fraction of steps whose most likely class is the target:
 *
 *   accuracy = Σ w·[argmax(logits[b,t,:]) = y[b,t]] / (Σ w + 1e-12)
 *
 * Masked steps (weight 0) do not count; all-zero weights give 0. Ties go to the lowest class id,
 * as in `tf.argMax`.
 *
 * @example
 * ```ts
 * const acc = accuracy(logits, targets);  // tf.Scalar in [0, 1]
 * console.log(acc.dataSync()[0]);
 * ```
 */
export function accuracy(
  logits: tf.Tensor3D,
  targets: tf.Tensor2D,
  weights?: tf.Tensor2D,
): tf.Scalar {
  checkLossInputs('accuracy', logits, targets, weights);
  return tf.tidy(() => {
    const hit = tf.cast(tf.equal(tf.argMax(logits, -1), targets), 'float32'); // [B,T]
    if (weights == null) return tf.mean(hit);
    return tf.div(tf.sum(tf.mul(hit, weights)), tf.add(tf.sum(weights), DENOMINATOR_EPSILON));
  }) as tf.Scalar;
}

/**
 * Converts a mean cross-entropy in nats per character to bits per character:
 * `bpc = nats / ln 2`. A uniform guess over V characters scores `log2(V)`.
 *
 * @example
 * ```ts
 * bitsPerChar(Math.log(5)); // 2.3219…, a uniform guess over "helo " (5 characters)
 * ```
 */
export function bitsPerChar(lossNats: number): number {
  return lossNats / Math.LN2;
}

/**
 * Converts a mean cross-entropy in nats per character to perplexity, `exp(nats)`: the size of
 * a uniform choice that would be as uncertain as the model.
 *
 * @example
 * ```ts
 * perplexity(Math.log(5)); // 5
 * ```
 */
export function perplexity(lossNats: number): number {
  return Math.exp(lossNats);
}
