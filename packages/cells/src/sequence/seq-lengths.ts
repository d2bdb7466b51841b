import { ShapeError } from '@rnnkit/core';

/**
 * How a bad length is described. `runRecurrent` kept the words it had before the wrappers
 * existed; users and tests match on both, so the words differ while the check is one.
 */
export interface SeqLengthsWording {
  count(batch: number): string;
  range: string;
  axis: string;
}

const WRAPPER_WORDING: SeqLengthsWording = {
  count: (batch) => `needs one length per example (${batch})`,
  range: 'a whole number',
  axis: 'the time axis',
};

/** `runRecurrent`'s wording. */
export const RUNNER_WORDING: SeqLengthsWording = {
  count: (batch) => `must have one length per example (batch ${batch})`,
  range: 'an integer',
  axis: 'the time steps of x',
};

/**
 * Validates per-example sequence lengths (one per example, integers in [0, T]) and returns
 * them as an Int32Array. `undefined` means every example is T long.
 */
export function seqLengthsOf(
  seqLengths: ArrayLike<number> | undefined,
  batch: number,
  time: number,
  where: string,
  wording: SeqLengthsWording = WRAPPER_WORDING,
): Int32Array {
  if (seqLengths == null) return new Int32Array(batch).fill(time);
  if (seqLengths.length !== batch) {
    throw new ShapeError(`${where}: seqLengths ${wording.count(batch)}, got ${seqLengths.length}.`);
  }
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const len = seqLengths[b] as number;
    if (!Number.isInteger(len) || len < 0 || len > time) {
      throw new ShapeError(
        `${where}: seqLengths[${b}] must be ${wording.range} in [0, ${time}] (${wording.axis}), ` +
          `got ${String(len)}.`,
      );
    }
    out[b] = len;
  }
  return out;
}
