import { dropoutMask, ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';

export interface DropoutOptions {
  /** Fraction of units to zero, in [0, 1). 0 returns `x` unchanged. */
  rate: number;
  /** Uniform [0, 1) source, e.g. `createRng(seed)`: a seed fixes every mask of a run. */
  rng?: () => number;
  /**
   * A mask drawn earlier with `dropoutMask` (noiseShape's size), instead of `rng`: a training
   * step that may run its forward pass more than once draws its masks first.
   */
  mask?: Float32Array;
  /**
   * Shape of the mask, broadcast against `x` (Keras `noise_shape`): a 1 shares one draw along
   * that axis. `[B, 1, F]` on a `[B, T, F]` sequence is variational dropout (Gal & Ghahramani):
   * one mask per sequence, the same at every step. Default: `x.shape` (a fresh draw per unit).
   */
  noiseShape?: number[];
}

/**
 * Inverted dropout, for training only (call it only when training; at inference use `x`):
 *
 *   y = x · m / (1 - rate),   m ~ Bernoulli(1 - rate), drawn from `rng`
 *
 * so the expected activation is unchanged and nothing needs rescaling at inference. The mask is
 * drawn in JS from the seeded `rng`, so runs repeat exactly on every backend, and the op has its
 * own gradient `dx = dy · m / (1 - rate)`.
 *
 * @example
 * ```ts
 * const rng = createRng(7);
 * const h = dropout(outputs, { rate: 0.2, rng });                        // [B, T, H]
 * const v = dropout(inputs, { rate: 0.2, rng, noiseShape: [B, 1, I] }); // one mask per sequence
 * ```
 */
export function dropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  const { rate, rng } = options;
  if (!(rate >= 0 && rate < 1)) {
    throw new RangeError(`dropout: rate must be in [0, 1), got ${String(rate)}.`);
  }
  if (rate === 0) return tf.clone(x);
  const shape = options.noiseShape ?? x.shape;
  const fits =
    shape.length === x.rank && shape.every((d, k) => d === 1 || d === (x.shape[k] as number));
  if (!fits) {
    throw new ShapeError(
      `dropout: noiseShape [${shape.join(', ')}] must have x's rank and, per axis, x's size or 1 ` +
        `(x is [${x.shape.join(', ')}]).`,
    );
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (options.mask != null && options.mask.length !== n) {
    throw new ShapeError(`dropout: mask has ${options.mask.length} values, noiseShape needs ${n}.`);
  }
  if (options.mask == null && rng == null) {
    throw new ShapeError('dropout: give `rng` (e.g. createRng(seed)) or a drawn `mask`.');
  }
  const keep = options.mask ?? dropoutMask(n, rate, rng as () => number);
  // The mask tensor is made where it is used: one made out here would be gone by backprop.
  const times = (t: tf.Tensor) => tf.tidy(() => tf.mul(t, tf.tensor(keep, shape, 'float32')));
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: times(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => times(dy),
  }));
  return op(x);
}
