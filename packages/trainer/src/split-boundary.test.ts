// The train/validation boundary over many text lengths, batch sizes, sequence lengths and
// fractions. The ids are their own positions, so every target names the character it predicts:
// no position may be a target of both parts, validation must be the end of the text in whole
// windows, and training must use every batch that fits before it.
import { describe, expect, it } from 'vitest';
import { type TextStreams, textStreams, windowAt } from './data/text-streams.js';
import { splitText, TrainingDataError } from './index.js';

const positions = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Every target of every window, in reading order. */
function targets(s: TextStreams): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.windows; k++) out.push(...windowAt(s, k).y);
  return out;
}

/** Inputs, to check each target follows its input. */
function inputs(s: TextStreams): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.windows; k++) out.push(...windowAt(s, k).x);
  return out;
}

const LENGTHS = [2, 3, 5, 8, 9, 17, 33, 64, 65, 66, 100, 129, 200, 257, 301];
const BATCHES = [1, 2, 3, 4, 7];
const SEQS = [1, 2, 3, 5, 8, 16];
const FRACTIONS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.9];

describe('splitText boundary', { timeout: 60_000 }, () => {
  it('never validates a training target, and counts both parts exactly', () => {
    let fitted = 0;
    let refused = 0;
    for (const n of LENGTHS) {
      for (const B of BATCHES) {
        for (const T of SEQS) {
          for (const f of FRACTIONS) {
            const label = `n=${n} B=${B} T=${T} f=${f}`;
            // Documented: round(f · windows) whole windows of T from the end, at least one.
            const windows = Math.floor((n - 1) / T);
            const valWindows = f > 0 ? Math.max(1, Math.round(f * windows)) : 0;
            const left = n - 1 - valWindows * T; // characters left to predict in training
            const fits = left >= B * T;
            let split: ReturnType<typeof splitText>;
            try {
              split = splitText(positions(n), { batchSize: B, seqLength: T, valFraction: f });
            } catch (error) {
              expect(error, label).toBeInstanceOf(TrainingDataError);
              expect(fits, `${label}: refused although a batch fits`).toBe(false);
              refused += 1;
              continue;
            }
            expect(fits, `${label}: accepted although no batch fits`).toBe(true);
            fitted += 1;

            const train = targets(split.train);
            const trainSet = new Set(train);
            expect(trainSet.size, `${label}: a training target repeats`).toBe(train.length);
            // Training reads every whole batch that fits in front of validation.
            expect(train.length, label).toBe(B * T * Math.floor(left / (B * T)));
            expect(split.train.streams, label).toBe(B);
            expect(
              inputs(split.train).map((x) => x + 1),
              label,
            ).toEqual(train);
            expect(Math.min(...train), label).toBe(1);

            if (f === 0) {
              expect(split.val, label).toBeUndefined();
              expect(split.valChars, label).toBe(0);
              continue;
            }
            const val = split.val;
            if (!val) throw new Error(`${label}: no validation split`);
            const validated = targets(val);
            expect(new Set(validated).size, `${label}: a validation target repeats`).toBe(
              validated.length,
            );
            // Every one of the held-out windows, read once, ending at the last character.
            expect(split.valChars, label).toBe(valWindows * T);
            expect(validated.length, label).toBe(valWindows * T);
            expect(
              [...validated].sort((a, b) => a - b),
              label,
            ).toEqual(Array.from({ length: valWindows * T }, (_, i) => n - valWindows * T + i));
            expect(
              inputs(val).map((x) => x + 1),
              label,
            ).toEqual(validated);
            for (const p of validated) {
              if (trainSet.has(p)) throw new Error(`${label}: position ${p} is in both parts`);
            }
            // As many streams as divide the windows evenly, at most B.
            const divisors = Array.from({ length: B }, (_, i) => i + 1).filter(
              (s) => s <= valWindows && valWindows % s === 0,
            );
            expect(val.streams, label).toBe(Math.max(...divisors));
          }
        }
      }
    }
    // The grid covers both sides of the boundary many times.
    expect(fitted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });

  it('accepts text exactly one batch long and refuses one character less', () => {
    // B = 2, T = 4: 12 of 13 characters are targets, 10% of 3 windows rounds to 1 held out
    // (4 characters), which leaves exactly 8 = B x T to train on; with 12 characters, 7.
    expect(() =>
      splitText(positions(12), { batchSize: 2, seqLength: 4, valFraction: 0.1 }),
    ).toThrow(TrainingDataError);
    const split = splitText(positions(13), { batchSize: 2, seqLength: 4, valFraction: 0.1 });
    expect(split.train.windows).toBe(1);
    expect(split.valChars).toBe(4);
    expect(targets(split.train)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(targets(split.val as TextStreams)).toEqual([9, 10, 11, 12]);
  });

  it('refuses text without one window, naming what to lower', () => {
    expect(() => textStreams(positions(8), 2, 4)).toThrow(TrainingDataError);
    expect(() => textStreams(positions(8), 2, 4)).toThrow(/--batch\) to at most 1/);
    expect(textStreams(positions(9), 2, 4).windows).toBe(1);
  });
});
