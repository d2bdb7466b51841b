import * as tf from '@tensorflow/tfjs-core';
import { padRows, sliceRows } from '../kernels/rows.js';
import { fastTranspose } from '../kernels/transpose.js';

/**
 * Rows `[begin, begin + size)` of axis 0 of `packed`, optionally transposed by `perm`, with its
 * own gradient (the incoming gradient, transposed back, padded with zeros to the full size).
 *
 * `runRecurrent` unpacks its single customGrad output with this instead of `tf.split` /
 * `tf.transpose`, so its whole gradient is rnnkit's own and needs none of tfjs-core's kernel
 * gradients: Node's CommonJS build of tfjs-core registers none.
 */
export function takeRows(
  packed: tf.Tensor3D,
  begin: number,
  size: number,
  perm: [number, number, number] = [0, 1, 2],
): tf.Tensor3D {
  const total = packed.shape[0];
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const rows = sliceRows(args[0] as tf.Tensor3D, begin, size) as tf.Tensor3D; // [size, B, H]
    return {
      value: (perm.every((p, i) => p === i) ? rows : fastTranspose(rows, perm)) as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor3D) =>
        tf.tidy(() => padRows(fastTranspose(dy, inverse), begin, total)),
    };
  });
  return op(packed);
}
