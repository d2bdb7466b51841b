import * as tf from '@tensorflow/tfjs-core';

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
