import { describe, expect, it } from 'vitest';
import { decodeText, TrainingDataError } from '../index.js';
import { splitText } from './split-text.js';
import { textStreams, windowAt } from './text-streams.js';

const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('textStreams and windowAt', () => {
  it('lays the text out as char-rnn does: B streams, windows of T, targets shifted by one', () => {
    const s = textStreams(ids(26), 2, 3); // 25 inputs: 2 streams x 4 windows x 3, 1 dropped
    expect(s.windows).toBe(4);
    expect(windowAt(s, 0)).toEqual({
      x: Int32Array.from([0, 1, 2, 12, 13, 14]),
      y: Int32Array.from([1, 2, 3, 13, 14, 15]),
    });
    // Window k + 1 of a stream continues where window k ended: the carried state is right.
    expect(windowAt(s, 1).x).toEqual(Int32Array.from([3, 4, 5, 15, 16, 17]));
    expect(windowAt(s, 3).y).toEqual(Int32Array.from([10, 11, 12, 22, 23, 24]));
  });

  it('says which of batch size and sequence length to lower', () => {
    expect(() => textStreams(ids(10), 4, 4)).toThrow(TrainingDataError);
    expect(() => textStreams(ids(10), 4, 4)).toThrow(
      /batch size \(--batch\) to at most 2, or the sequence length \(--seq-length\) to at most 2/,
    );
  });
});

describe('splitText', () => {
  it('holds out whole windows from the end, without overlapping the training targets', () => {
    const split = splitText(ids(1001), { batchSize: 4, seqLength: 10, valFraction: 0.1 });
    expect(split.valChars).toBe(100); // 10 of 100 windows
    const val = split.val;
    if (!val) throw new Error('no validation split');
    expect(val.streams).toBe(2); // 2 x 5 windows use all 10; 4 streams would use 8
    expect(windowAt(val, val.windows - 1).y.at(-1)).toBe(1000); // the last character
    expect(windowAt(val, 0).y[0]).toBe(901);
    const lastTrain = windowAt(split.train, split.train.windows - 1).y;
    expect(Math.max(...lastTrain)).toBeLessThanOrEqual(900);
  });

  it('has no validation split at fraction 0', () => {
    const split = splitText(ids(101), { batchSize: 2, seqLength: 10, valFraction: 0 });
    expect(split.val).toBeUndefined();
    expect(split.train.windows).toBe(5);
  });

  it('names the settings that would fit when validation leaves too little', () => {
    expect(() => splitText(ids(200), { batchSize: 1, seqLength: 500 })).toThrow(
      /sequence length \(--seq-length\) to at most \d+/,
    );
    expect(() => splitText(ids(200), { batchSize: 32, seqLength: 16 })).toThrow(
      /batch size \(--batch\) to at most 11/,
    );
  });
});

describe('decodeText', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('decodes UTF-8 and drops a byte-order mark', () => {
    expect(decodeText(bytes('\uFEFFhé'))).toBe('hé');
  });
  it('refuses empty, non-UTF-8 and NUL-holding input', () => {
    expect(() => decodeText(new Uint8Array(), 'a.txt')).toThrow(/a.txt is empty/);
    expect(() => decodeText(Uint8Array.from([0xff, 0xfe, 0x41]))).toThrow(/not UTF-8/);
    expect(() => decodeText(bytes('ab\u0000c'))).toThrow(/binary file/);
  });
});
