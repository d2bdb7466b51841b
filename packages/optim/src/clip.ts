import * as tf from '@tensorflow/tfjs-core';
import { numberOption } from './checks.js';

/**
 * Scales a list or record of tensors (usually gradients) together so that their global norm is
 * at most `clipNorm`, with the semantics of `tf.clip_by_global_norm`:
 *
 *   norm = sqrt(Σ_i Σ t_i²)
 *   t_i ← t_i · clipNorm / max(norm, clipNorm)
 *
 * Below the threshold the scale is exactly 1, and all-zero input comes back unchanged (never
 * 0/0). Returns new tensors in the same structure and the norm before clipping, which is worth
 * logging; the caller disposes both. PyTorch's `clip_grad_norm_` differs slightly when it clips:
 * it divides by `norm + 1e-6`.
 *
 * @example
 * ```ts
 * const { grads } = tf.variableGrads(() => loss());
 * const { clipped, globalNorm } = clipByGlobalNorm(grads, 5);
 * optimizer.applyGradients(params, clipped);
 * ```
 */
export function clipByGlobalNorm<T extends tf.Tensor[] | Record<string, tf.Tensor>>(
  tensors: T,
  clipNorm: number,
): { clipped: T; globalNorm: tf.Scalar } {
  numberOption('clipByGlobalNorm', 'clipNorm', clipNorm, Number.NaN, { min: 0, minOpen: true });
  return tf.tidy(() => {
    const norm = globalNorm(tensors);
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm)); // []
    const clip = (t: tf.Tensor) => tf.mul(t, scale);
    const clipped = Array.isArray(tensors)
      ? tensors.map(clip)
      : Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, clip(t)]));
    return { clipped: clipped as T, globalNorm: norm };
  });
}

/**
 * The Euclidean norm of all entries of all tensors together, `sqrt(Σ_i Σ t_i²)`, as used by
 * {@link clipByGlobalNorm}. An empty list gives 0.
 *
 * @example
 * ```ts
 * globalNorm([tf.tensor1d([3]), tf.tensor1d([4])]); // Scalar 5
 * ```
 */
export function globalNorm(tensors: tf.Tensor[] | Record<string, tf.Tensor>): tf.Scalar {
  const list = Array.isArray(tensors) ? tensors : Object.values(tensors);
  return tf.tidy(() => {
    if (list.length === 0) return tf.scalar(0);
    const squares = list.map((t) => tf.sum(tf.square(t))); // one [] per tensor
    return tf.sqrt(squares.length === 1 ? (squares[0] as tf.Scalar) : tf.addN(squares));
  }) as tf.Scalar;
}
