import * as tf from '@tensorflow/tfjs-core';

/** Per-step 0/1 multipliers for `seqLengths`: `on[t][b] = t < len[b]`, `off = 1 - on`. */
export interface SequenceMask {
  on: tf.Tensor2D[]; // T × [B, 1]
  off: tf.Tensor2D[]; // T × [B, 1]
}

/** Builds the masks from validated lengths (integers in [0, T]). */
export function sequenceMask(lengths: Int32Array, time: number): SequenceMask {
  const batch = lengths.length;
  const on = new Float32Array(time * batch);
  for (let t = 0; t < time; t++) {
    for (let b = 0; b < batch; b++) on[t * batch + b] = t < (lengths[b] as number) ? 1 : 0;
  }
  const off = on.map((v) => 1 - v);
  return {
    on: tf.unstack(tf.tensor3d(on, [time, batch, 1])) as tf.Tensor2D[],
    off: tf.unstack(tf.tensor3d(off, [time, batch, 1])) as tf.Tensor2D[],
  };
}

/** `on` flattened time-major, `[T*B]`, as the fused kernels take it. */
export function sequenceOn(lengths: Int32Array, time: number): tf.Tensor1D {
  const batch = lengths.length;
  const on = new Float32Array(time * batch);
  for (let t = 0; t < time; t++) {
    for (let b = 0; b < batch; b++) on[t * batch + b] = t < (lengths[b] as number) ? 1 : 0;
  }
  return tf.tensor1d(on);
}
