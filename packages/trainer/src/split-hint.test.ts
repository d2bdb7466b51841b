// A text too short for one batch: the error says how much validation holds out, how much is
// left and what a batch needs, and its hint names the largest batch size and sequence length
// that do fit (one more does not).
import { describe, expect, it } from 'vitest';
import { splitText, TrainingDataError } from './index.js';

/** Ids 0..n-1 (the values do not matter to the split). */
const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i % 7);

function refusal(n: number, B: number, T: number, valFraction: number): string {
  try {
    splitText(ids(n), { batchSize: B, seqLength: T, valFraction });
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingDataError);
    return (error as Error).message;
  }
  throw new Error('expected a TrainingDataError');
}

const fits = (n: number, B: number, T: number, valFraction: number) => {
  try {
    splitText(ids(n), { batchSize: B, seqLength: T, valFraction });
    return true;
  } catch {
    return false;
  }
};

describe('the too-short-text error', () => {
  it('states what validation holds out, what is left and what a batch needs', () => {
    // 100 targets, windows of 16: 6 windows, 5% of them rounds up to one held out.
    expect(refusal(101, 8, 16, 0.05)).toContain(
      'holding out 16 characters for validation leaves 84 to predict, and a batch of 8 streams x 16 characters needs 128.',
    );
    // 30% of 10 windows of 10: three held out.
    expect(refusal(101, 8, 10, 0.3)).toContain(
      'holding out 30 characters for validation leaves 70 to predict, and a batch of 8 streams x 10 characters needs 80.',
    );
    expect(refusal(12, 4, 10, 0.5)).toContain('leaves 1 to predict');
    // A held-out window longer than the text leaves nothing: 0, not a negative count.
    expect(refusal(12, 4, 16, 0.5)).toContain(
      'holding out 16 characters for validation leaves 0 to predict',
    );
  });

  it('without validation, says what the text has, as textStreams does', () => {
    expect(refusal(21, 4, 8, 0)).toContain(
      'it has 20 characters to predict, and a batch of 4 streams x 8 characters needs 32.',
    );
  });

  it('suggests the largest batch size and sequence length that fit', () => {
    for (const [n, B, T, f] of [
      [101, 8, 16, 0.05],
      [101, 8, 10, 0.3],
      [401, 16, 32, 0.1],
      [1001, 64, 20, 0.2],
      [101, 8, 40, 0.05], // a batch of 1 fits
      [11, 8, 4, 0.05], // windows of 1 fit
      [21, 4, 8, 0.1], // windows of 4 fill the batch exactly
    ] as const) {
      const message = refusal(n, B, T, f);
      expect(message).toMatch(
        /--batch\) to at most \d+, or the sequence length \(--seq-length\) to at most \d+, or the validation/,
      );
      const maxB = Number(/--batch\) to at most (\d+)/.exec(message)?.[1]);
      const maxT = Number(/--seq-length\) to at most (\d+)/.exec(message)?.[1]);
      expect(fits(n, maxB, T, f), `batch ${maxB} for ${n}`).toBe(true);
      expect(fits(n, maxB + 1, T, f), `batch ${maxB + 1} for ${n}`).toBe(false);
      expect(fits(n, B, maxT, f), `seq ${maxT} for ${n}`).toBe(true);
      for (let t = maxT + 1; t < T; t++) expect(fits(n, B, t, f), `seq ${t} for ${n}`).toBe(false);
      expect(message).toContain(`--val-fraction, now ${f}`);
    }
  });

  it('says to lower all three when no batch size or sequence length fits', () => {
    const message = refusal(3, 4, 2, 0.5);
    expect(message).toContain(
      'Lower the batch size (--batch), the sequence length (--seq-length) and the validation fraction (--val-fraction, now 0.5), or give more text.',
    );
  });
});
