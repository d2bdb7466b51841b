import * as tf from '@tensorflow/tfjs-core';

/**
 * Log-softmax over the last axis, stable for any logit size:
 *
 *   log p_k = (x_k - m) - log Σ_j exp(x_j - m),   m = max_j x_j
 *
 * Subtracting the max keeps every `exp` in (0, 1]; a naive `log(softmax(x))` overflows to
 * inf/NaN in float32 once logits pass ~88.
 */
export function logSoftmax(logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(logits, tf.max(logits, -1, true)); // [..., V]
    const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1, true)); // [..., 1]
    return tf.sub(shifted, logSumExp); // [..., V]
  });
}
