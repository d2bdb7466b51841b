import { sizeOf } from './size-of.js';
import { uniform } from './uniform.js';

/**
 * Glorot (Xavier) uniform: U(-b, b) with `b = sqrt(6 / (fanIn + fanOut))`.
 *
 * Fans follow Keras: for `[a, b]` they are `a` and `b` (the bound is symmetric, so a PyTorch
 * `[out, in]` weight gets the same bound as the Keras `[in, out]` kernel); a 1-D shape uses its
 * length for both; for higher ranks the leading axes form the receptive field.
 *
 * @example
 * ```ts
 * const w = glorotUniform([12, 5], createRng(1)); // values within ±sqrt(6 / 17)
 * ```
 */
export function glorotUniform(shape: readonly number[], rng: () => number): Float32Array {
  const [fanIn, fanOut] = fans(shape);
  const denom = fanIn + fanOut;
  return uniform(shape, denom > 0 ? Math.sqrt(6 / denom) : 0, rng);
}

function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0] as number, shape[0] as number];
  const receptive = sizeOf(shape.slice(0, -2));
  return [(shape.at(-2) as number) * receptive, (shape.at(-1) as number) * receptive];
}
