import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { seqLengthsOf } from './seq-lengths.js';

/**
 * The many-to-one head's pooling: the output at each example's last valid step,
 * `y[b] = x[b, len[b] - 1]` (zeros for a length-0 example), as Keras with `mask_zero` and
 * `return_sequences=False`, or PyTorch's `h_n` of a packed sequence.
 *
 * @example
 * ```ts
 * const { outputs } = runRecurrent(lstm, x, { seqLengths });  // [B, T, H]
 * const logits = applyLinear(fc, lastValidStep(outputs, seqLengths)); // [B, classes]
 * ```
 */
export function lastValidStep(x: tf.Tensor3D, seqLengths?: ArrayLike<number>): tf.Tensor2D {
  return poolOverTime(x, seqLengths, 'lastValidStep', (len, t) => (t === len - 1 ? 1 : 0));
}

/**
 * The other many-to-one pooling: the mean over each example's valid steps,
 * `y[b] = Σ_{t < len[b]} x[b, t] / len[b]` (zeros for a length-0 example).
 *
 * @example
 * ```ts
 * const pooled = meanOverValid(outputs, seqLengths); // [B, H]
 * ```
 */
export function meanOverValid(x: tf.Tensor3D, seqLengths?: ArrayLike<number>): tf.Tensor2D {
  return poolOverTime(x, seqLengths, 'meanOverValid', (len, t) => (t < len ? 1 / len : 0));
}

/**
 * `y[b] = Σ_t w[b, t] x[b, t]` with weights from the lengths, and its own gradient
 * `dx[b, t] = w[b, t] dy[b]`; one broadcast multiply and a sum, on every backend.
 */
function poolOverTime(
  x: tf.Tensor3D,
  seqLengths: ArrayLike<number> | undefined,
  where: string,
  weight: (len: number, t: number) => number,
): tf.Tensor2D {
  if (x.rank !== 3 || x.dtype !== 'float32') {
    throw new ShapeError(
      `${where}: x must be a float32 [batch, time, features] sequence, got ${x.dtype} ` +
        `[${x.shape.join(', ')}].`,
    );
  }
  const [batch, time] = x.shape;
  const lengths = seqLengthsOf(seqLengths, batch, time, where);
  const w = new Float32Array(batch * time);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) w[b * time + t] = weight(lengths[b] as number, t);
  }
  // Weights are made where they are used: a tensor made out here would be gone by backprop.
  const weights = () => tf.tensor3d(w, [batch, time, 1]); // [B, T, 1]
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.sum(tf.mul(args[0] as tf.Tensor, weights()), 1) as tf.Tensor2D, // [B, F]
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.mul(tf.expandDims(dy, 1), weights())), // [B, T, F]
  }));
  return op(x) as tf.Tensor2D;
}
