import * as tf from '@tensorflow/tfjs-core';
import { seqLengthsOf } from './seq-lengths.js';

// The 0/1 masks of padded batches, built from validated lengths (integers in [0, T]).

/** Per-step 0/1 multipliers for `seqLengths`: `on[t][b] = t < len[b]`, `off = 1 - on`. */
export interface SequenceMask {
  on: tf.Tensor2D[]; // T × [B, 1]
  off: tf.Tensor2D[]; // T × [B, 1]
}

/** Builds the masks the op-by-op runner multiplies each step by. */
export function sequenceMask(lengths: Int32Array, time: number): SequenceMask {
  const batch = lengths.length;
  const on = onValues(lengths, time);
  const off = on.map((v) => 1 - v);
  return {
    on: tf.unstack(tf.tensor3d(on, [time, batch, 1])) as tf.Tensor2D[],
    off: tf.unstack(tf.tensor3d(off, [time, batch, 1])) as tf.Tensor2D[],
  };
}

/** `on` flattened time-major, `[T*B]`, as the fused kernels take it. */
export function sequenceOn(lengths: Int32Array, time: number): tf.Tensor1D {
  return tf.tensor1d(onValues(lengths, time));
}

/** `on[t * B + b] = t < len[b] ? 1 : 0`, time-major. */
function onValues(lengths: Int32Array, time: number): Float32Array {
  const batch = lengths.length;
  const on = new Float32Array(time * batch);
  for (let t = 0; t < time; t++) {
    for (let b = 0; b < batch; b++) on[t * batch + b] = t < (lengths[b] as number) ? 1 : 0;
  }
  return on;
}

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
