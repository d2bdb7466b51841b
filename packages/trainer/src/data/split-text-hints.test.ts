// The settings a "too short" refusal of splitText suggests are the largest that fit: the
// suggested batch size (or sequence length) is accepted, one more is refused, and no setting
// between the suggestion and the one refused would have fitted. Checked against splitText's own
// answer over a grid of text lengths, batch sizes, sequence lengths and validation fractions.
import { describe, expect, it } from 'vitest';
import { TrainingDataError } from '../index.js';
import { type SplitOptions, splitText } from './split-text.js';

const text = Int32Array.from({ length: 100 }, (_, i) => i % 7);
const ids = (n: number) => text.subarray(0, n);
const fits = (n: number, o: SplitOptions) => {
  try {
    splitText(ids(n), o);
    return true;
  } catch (error) {
    if (!(error instanceof TrainingDataError)) throw error;
    return false;
  }
};
const refusal = (n: number, o: SplitOptions) => {
  try {
    splitText(ids(n), o);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
};
const suggested = (message: string, what: string) => {
  const match = new RegExp(`${what} to at most (\\d+)`).exec(message);
  return match ? Number(match[1]) : undefined;
};

describe('the settings a too-short refusal suggests', () => {
  it('are the largest batch size and sequence length that fit', { timeout: 60_000 }, () => {
    let refused = 0;
    for (const valFraction of [0.05, 0.1, 0.3, 0.5]) {
      for (let n = 2; n <= 100; n += 1) {
        for (const batchSize of [1, 2, 3, 5]) {
          for (const seqLength of [1, 2, 3, 7, 10, 16]) {
            const o = { batchSize, seqLength, valFraction };
            const message = refusal(n, o);
            if (message === undefined) continue;
            refused += 1;
            const at = `n ${n}, B ${batchSize}, T ${seqLength}, fraction ${valFraction}`;
            const B = suggested(message, 'batch size \\(--batch\\)');
            if (B === undefined) {
              expect(fits(n, { ...o, batchSize: 1 }), at).toBe(false);
            } else {
              expect(B, at).toBeLessThan(batchSize);
              expect(fits(n, { ...o, batchSize: B }), at).toBe(true);
              expect(fits(n, { ...o, batchSize: B + 1 }), at).toBe(false);
            }
            const T = suggested(message, 'sequence length \\(--seq-length\\)');
            const longest = T ?? 0;
            if (T !== undefined) {
              expect(T, at).toBeLessThan(seqLength);
              expect(fits(n, { ...o, seqLength: T }), at).toBe(true);
            }
            for (let t = longest + 1; t < seqLength; t++) {
              expect(fits(n, { ...o, seqLength: t }), `${at}: T ${t} fits`).toBe(false);
            }
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});
