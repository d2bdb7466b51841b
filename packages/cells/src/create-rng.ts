/**
 * A deterministic random number generator (mulberry32): uniform floats in [0, 1).
 *
 * Every random initialiser in rnnkit draws from one of these, so a seed fixes the weights.
 * 32 bits of state is plenty for initialisation; it is not meant for cryptography.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng(); // same value on every run for seed 42
 * ```
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
