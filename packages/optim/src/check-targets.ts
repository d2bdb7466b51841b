import { ShapeError } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { describe } from './check-loss-inputs.js';
import { TargetRangeError } from './errors.js';

/**
 * Throws a {@link TargetRangeError} at the first id outside `[0, numClasses)`.
 *
 * `sequenceLoss` does not check this itself: it would read tensor data back on every step.
 * Call this once per data set (or per batch while debugging) instead.
 *
 * @example
 * ```ts
 * checkTargets(tf.tensor2d([[1, 0, 2]], [1, 3], 'int32'), 5); // ok
 * checkTargets(tf.tensor2d([[1, 0, 7]], [1, 3], 'int32'), 5); // throws TargetRangeError
 * ```
 */
export function checkTargets(targets: tf.Tensor, numClasses: number): void {
  if (targets.dtype !== 'int32') {
    throw new ShapeError(`checkTargets: targets must be int32; got ${describe(targets)}.`);
  }
  const ids = targets.dataSync();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= numClasses) {
      throw new TargetRangeError(
        `checkTargets: target ${id} at flat index ${i} of ${describe(targets)} is outside ` +
          `[0, ${numClasses}). The logits have ${numClasses} classes: check that the model's ` +
          'output size equals the vocabulary size, and pad with a valid id under weight 0.',
      );
    }
  }
}
