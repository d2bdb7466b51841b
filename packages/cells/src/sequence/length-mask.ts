import * as tf from '@tensorflow/tfjs-core';
import { seqLengthsOf } from './seq-lengths.js';

/**
 * The `[B, T]` float32 mask of valid steps, `mask[b, t] = t < len[b] ? 1 : 0`: the loss
 * weights and metric weights of a padded batch (`sequenceLoss(logits, y, lengthMask(len, T))`,
 * `accuracy(logits, y, lengthMask(len, T))`), so padding never counts.
 *
 * @example
 * ```ts
 * lengthMask([3, 1], 4).arraySync(); // [[1, 1, 1, 0], [1, 0, 0, 0]]
 * ```
 */
export function lengthMask(seqLengths: ArrayLike<number>, time: number): tf.Tensor2D {
  const batch = seqLengths.length;
  const lengths = seqLengthsOf(seqLengths, batch, time, 'lengthMask');
  const mask = new Float32Array(batch * time);
  for (let b = 0; b < batch; b++) mask.fill(1, b * time, b * time + (lengths[b] as number));
  return tf.tensor2d(mask, [batch, time], 'float32');
}
