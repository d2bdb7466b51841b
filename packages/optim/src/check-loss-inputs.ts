import { ShapeError } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';

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

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
