import { createRng } from '@rnnkit/cells';

/** Seeded random ids in [0, vocab): the same data for both implementations. */
export function randomIds(count: number, vocab: number, seed: number): Int32Array {
  const random = createRng(seed);
  return Int32Array.from({ length: count }, () => Math.floor(random() * vocab));
}
