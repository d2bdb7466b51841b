/**
 * A seeded random number generator whose state can be saved and restored: the same mulberry32
 * sequence as `createRng` in `@rnnkit/cells`, with the 32-bit state exposed so a checkpoint can
 * resume training's randomness (dropout masks, sample seeds) exactly where it stopped.
 */
export interface SeededRng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** The whole state: an unsigned 32-bit integer. */
  readonly state: number;
}

/**
 * Creates a {@link SeededRng} from a seed, or from a `state` saved earlier.
 *
 * @example
 * ```ts
 * const rng = createSeededRng(42);
 * rng.next();
 * const copy = createSeededRng(rng.state); // continues with the same numbers as rng
 * ```
 */
export function createSeededRng(seedOrState: number): SeededRng {
  let state = seedOrState >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    get state() {
      return state;
    },
  };
}
