import { ShapeError } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { oneHotRows } from '../kernels/one-hot-rows.js';

/**
 * One-hot encodes a batch of id sequences as float32 network input. Ids outside [0, depth)
 * give an all-zero row (tfjs semantics); check ids where they come from (the tokenizer).
 *
 * @example
 * ```ts
 * const x = oneHot(tf.tensor2d([[0, 1, 2]], [1, 3], 'int32'), 5); // [1, 3, 5]
 * ```
 */
export function oneHot(ids: tf.Tensor, depth: number): tf.Tensor3D {
  checkIds(ids, 'oneHot');
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RangeError(`oneHot: depth must be a whole number >= 1, got ${String(depth)}.`);
  }
  // Written as float32 by rnnkit's kernel on cpu and wasm; elsewhere int32 then cast: the
  // float32 form of tfjs's OneHot kernel is not relied on across backends.
  return oneHotRows(ids, depth) as tf.Tensor3D;
}

/** Checks `ids` is an int32 `[B, T]` tensor. */
export function checkIds(ids: tf.Tensor, where: string): void {
  if (ids.rank !== 2 || ids.dtype !== 'int32') {
    throw new ShapeError(
      `${where}: ids must be an int32 [batch, time] tensor, got ${ids.dtype} [${ids.shape.join(', ')}].`,
    );
  }
}
