import { ShapeError } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { sameShape } from '../checks.js';
import { TargetRangeError } from '../errors.js';

/** The sizes a loss or metric reads from its inputs. */
export interface LossDims {
  batch: number;
  time: number;
  classes: number;
}

/**
 * Checks `logits` `[B,T,V]` float32, `targets` `[B,T]` int32 and optional `weights` `[B,T]`
 * float32, and returns B, T, V. Reads shapes and dtypes only, never tensor data.
 */
export function checkLossInputs(
  where: string,
  logits: tf.Tensor,
  targets: tf.Tensor,
  weights?: tf.Tensor,
): LossDims {
  if (logits.rank !== 3 || logits.dtype !== 'float32') {
    throw new ShapeError(
      `${where}: logits must be a float32 tensor of shape [batch, time, classes]; ` +
        `got ${describe(logits)}.`,
    );
  }
  const [batch, time, classes] = logits.shape as [number, number, number];
  if (classes < 1) {
    throw new ShapeError(`${where}: logits need at least one class; got ${describe(logits)}.`);
  }
  if (targets.dtype !== 'int32' || !sameShape(targets.shape, [batch, time])) {
    throw new ShapeError(
      `${where}: targets must be an int32 tensor of shape [${batch}, ${time}] (batch and time ` +
        `of logits ${describe(logits)}) holding class ids in [0, ${classes}); ` +
        `got ${describe(targets)}.`,
    );
  }
  if (
    weights != null &&
    (weights.dtype !== 'float32' || !sameShape(weights.shape, [batch, time]))
  ) {
    throw new ShapeError(
      `${where}: weights must be a float32 tensor of shape [${batch}, ${time}] (one weight ` +
        `per target); got ${describe(weights)}.`,
    );
  }
  return { batch, time, classes };
}

export function describe(t: tf.Tensor): string {
  return `${t.dtype} [${t.shape.join(', ')}]`;
}

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
