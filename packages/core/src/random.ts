/**
 * A seeded uniform random source: each call returns a float in [0, 1), and `state` is the whole
 * state (an unsigned 32-bit integer), so a checkpoint can save it and `createRng(state)` later
 * continues the same sequence.
 */
export interface Rng {
  (): number;
  readonly state: number;
}

/**
 * The one random number generator of rnnkit (mulberry32): every initialiser, dropout mask and
 * sample draws from one of these, so a seed fixes a whole run. 32 bits of state is plenty for
 * this; it is not meant for cryptography.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng(); // the same value on every run for seed 42
 * const copy = createRng(rng.state); // continues with the same numbers as rng
 * ```
 */
export function createRng(seedOrState: number): Rng {
  let state = seedOrState >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.defineProperty(next, 'state', { get: () => state, enumerable: true }) as Rng;
}

/**
 * An inverted-dropout mask of `n` values: each is 0 with probability `rate` (a draw below
 * `rate` drops the unit) and `1 / (1 - rate)` otherwise, drawn in order from `rng`. This is the
 * one draw convention of rnnkit's dropout, so the same seed gives the same masks on every path.
 *
 * @example
 * ```ts
 * dropoutMask(4, 0.5, createRng(0)); // Float32Array of 0s and 2s
 * ```
 */
export function dropoutMask(n: number, rate: number, rng: () => number): Float32Array {
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = rate > 0 && rng() < rate ? 0 : keep;
  return mask;
}
