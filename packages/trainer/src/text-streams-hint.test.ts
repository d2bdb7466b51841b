// Streams of a text too short for one batch (no validation held out): the error counts what
// there is and what a batch needs, and its hint names the largest batch size and sequence
// length that fit, or says to lower both when neither alone is enough.
import { describe, expect, it } from 'vitest';
import { textStreams } from './data/text-streams.js';
import { TrainingDataError } from './index.js';

/** n + 1 ids: n characters to predict. */
const text = (n: number) => new Int32Array(n + 1);

function refusal(n: number, B: number, T: number): string {
  try {
    textStreams(text(n), B, T);
  } catch (error) {
    expect(error).toBeInstanceOf(TrainingDataError);
    return (error as Error).message;
  }
  throw new Error('expected a TrainingDataError');
}

const fits = (n: number, B: number, T: number) => {
  try {
    return textStreams(text(n), B, T).windows >= 1;
  } catch {
    return false;
  }
};

describe('the too-short-for-one-batch error of textStreams', () => {
  it('counts the characters and what a batch needs, and names both limits', () => {
    expect(refusal(20, 4, 8)).toBe(
      'The text is too short for one batch: it has 20 characters to predict, and a batch of 4 streams x 8 characters needs 32. Lower the batch size (--batch) to at most 2, or the sequence length (--seq-length) to at most 5, or give more text.',
    );
    expect(fits(20, 2, 8) && fits(20, 4, 5)).toBe(true);
    expect(fits(20, 3, 8) || fits(20, 4, 6)).toBe(false);
  });

  it('names only the limit that can be lowered enough', () => {
    // Fewer characters than one window: only shorter windows help.
    expect(refusal(5, 2, 8)).toContain(
      'Lower the sequence length (--seq-length) to at most 2, or give more text.',
    );
    expect(refusal(5, 1, 8)).toContain(
      'Lower the sequence length (--seq-length) to at most 5, or give more text.',
    );
    // Fewer characters than streams, windows of 1: only a smaller batch helps.
    expect(refusal(3, 4, 1)).toContain(
      'Lower the batch size (--batch) to at most 3, or give more text.',
    );
  });

  it('counts exactly one window or one stream of characters as enough for that limit', () => {
    expect(refusal(8, 2, 8)).toContain(
      'Lower the batch size (--batch) to at most 1, or the sequence length (--seq-length) to at most 4,',
    );
    expect(refusal(4, 4, 2)).toContain(
      'Lower the batch size (--batch) to at most 2, or the sequence length (--seq-length) to at most 1,',
    );
    expect(fits(8, 1, 8) && fits(8, 2, 4) && fits(4, 2, 2) && fits(4, 4, 1)).toBe(true);
  });

  it('says to lower both, and counts 0, when there is nothing to predict', () => {
    for (const ids of [new Int32Array(1), new Int32Array(0)]) {
      let message = '';
      try {
        textStreams(ids, 2, 2);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe(
        'The text is too short for one batch: it has 0 characters to predict, and a batch of 2 streams x 2 characters needs 4. Lower the batch size (--batch) and the sequence length (--seq-length), or give more text.',
      );
    }
  });
});
