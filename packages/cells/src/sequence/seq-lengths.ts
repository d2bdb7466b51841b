import { ShapeError } from '@rnnkit/core';

/**
 * Validates per-example sequence lengths (one per example, integers in [0, T]) for the
 * wrappers built on `runRecurrent`, and returns them as an Int32Array. `undefined` means
 * every example is T long.
 */
export function seqLengthsOf(
  seqLengths: ArrayLike<number> | undefined,
  batch: number,
  time: number,
  where: string,
): Int32Array {
  if (seqLengths == null) return new Int32Array(batch).fill(time);
  if (seqLengths.length !== batch) {
    throw new ShapeError(
      `${where}: seqLengths needs one length per example (${batch}), got ${seqLengths.length}.`,
    );
  }
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const len = seqLengths[b] as number;
    if (!Number.isInteger(len) || len < 0 || len > time) {
      throw new ShapeError(
        `${where}: seqLengths[${b}] must be a whole number in [0, ${time}] (the time axis), ` +
          `got ${String(len)}.`,
      );
    }
    out[b] = len;
  }
  return out;
}
