import { sizeOf } from './size-of.js';

/**
 * Samples N(0, std²) into a Float64Array of `shape` (Box–Muller on `rng`).
 *
 * @example
 * ```ts
 * const a = normal([3, 3], createRng(0)); // the random matrix behind `orthogonal`
 * ```
 */
export function normal(shape: readonly number[], rng: () => number, std = 1): Float64Array {
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i += 2) {
    // 1 - rng() lies in (0, 1], so the log is finite.
    const radius = std * Math.sqrt(-2 * Math.log(1 - rng()));
    const angle = 2 * Math.PI * rng();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
