import { sizeOf } from './size-of.js';

/**
 * Samples U(-bound, bound) into a Float32Array of `shape` (row-major).
 *
 * @example
 * ```ts
 * const w = uniform([4, 3], 1 / Math.sqrt(3), createRng(0)); // PyTorch's default for H = 3
 * ```
 */
export function uniform(shape: readonly number[], bound: number, rng: () => number): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng() - 1) * bound;
  return out;
}
