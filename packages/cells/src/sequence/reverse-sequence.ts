import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { seqLengthsOf } from './seq-lengths.js';

/**
 * Reverses each example's first `len[b]` steps and leaves its padding in place
 * (TF's `tf.reverse_sequence(seq_axis=1, batch_axis=0)`):
 *
 *   y[b, t] = x[b, len[b] - 1 - t]   for t < len[b]
 *   y[b, t] = x[b, t]                for t >= len[b]
 *
 * This is what the backward direction of a bidirectional layer reads, so that it starts at each
 * sequence's own last step rather than at the padding. Without `seqLengths`, every example is
 * reversed whole.
 *
 * The map is a permutation that is its own inverse, so its gradient is the same reversal of
 * `dy`. It has that as its own gradient: the forward is a `tf.gather` of rows, whose built-in
 * gradient (UnsortedSegmentSum) does not exist on wasm.
 *
 * @example
 * ```ts
 * const x = tf.tensor3d([[[1], [2], [3]], [[4], [5], [0]]]); // [2, 3, 1], example 1 padded
 * reverseSequence(x, [3, 2]).arraySync(); // [[[3], [2], [1]], [[5], [4], [0]]]
 * ```
 */
export function reverseSequence(x: tf.Tensor3D, seqLengths?: ArrayLike<number>): tf.Tensor3D {
  if (x.rank !== 3) {
    throw new ShapeError(
      `reverseSequence: x must be [batch, time, features], got [${x.shape.join(', ')}].`,
    );
  }
  const [batch, time, features] = x.shape;
  const lengths = seqLengthsOf(seqLengths, batch, time, 'reverseSequence');
  const rows = new Int32Array(batch * time); // source row of each output row in [B*T, F]
  for (let b = 0; b < batch; b++) {
    const len = lengths[b] as number;
    for (let t = 0; t < time; t++) rows[b * time + t] = b * time + (t < len ? len - 1 - t : t);
  }
  // The index is rebuilt from `rows` in the gradient: a tensor made out here would be disposed
  // by the time backprop runs.
  const permute = (t: tf.Tensor) =>
    tf.tidy(() => {
      const flat = tf.reshape(t, [batch * time, features]); // [B*T, F]
      const picked = tf.gather(flat, tf.tensor1d(rows, 'int32'));
      return tf.reshape(picked, [batch, time, features]) as tf.Tensor3D;
    });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: permute(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => permute(dy),
  }));
  return op(x) as tf.Tensor3D;
}
