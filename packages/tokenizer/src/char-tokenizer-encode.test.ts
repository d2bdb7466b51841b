import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';
import { TokenIdRangeError } from './errors.js';

const roundTrip = (text: string) => {
  const tok = CharTokenizer.fromText(text);
  const ids = tok.encode(text);
  return { tok, ids, decoded: tok.decode(ids) };
};

describe('CharTokenizer encode/decode', () => {
  it('round-trips Korean syllables', () => {
    const { ids, decoded } = roundTrip('안녕하세요');
    expect(ids).toHaveLength(5);
    expect(decoded).toBe('안녕하세요');
  });

  it('treats an emoji outside the BMP as one token', () => {
    const { tok, ids, decoded } = roundTrip('a🙂b🙂');
    expect(tok.vocabulary).toEqual(['a', 'b', '🙂']);
    expect(Array.from(ids)).toEqual([0, 2, 1, 2]);
    expect(decoded).toBe('a🙂b🙂');
  });

  it('keeps a combining mark as its own code point and round-trips exactly', () => {
    const { tok, ids, decoded } = roundTrip('e\u0301');
    expect(tok.vocabulary).toEqual(['e', '\u0301']);
    expect(ids).toHaveLength(2);
    // Exact code points, not normalised to the precomposed U+00E9.
    expect(decoded).toBe('e\u0301');
    expect(decoded).not.toBe('\u00E9');
  });

  it('round-trips mixed text with newlines, tabs and a lone surrogate', () => {
    const text = ' if you want you\n안녕\t🙂e\u0301 \uD800!';
    expect(roundTrip(text).decoded).toBe(text);
  });

  it('returns an Int32Array of exactly one id per code point', () => {
    const { ids } = roundTrip('🙂🙂🙂');
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids).toHaveLength(3);
    expect(ids.buffer.byteLength).toBe(12);
  });

  it('encodes the empty string to no ids', () => {
    const tok = CharTokenizer.fromText('ab');
    expect(tok.encode('')).toEqual(new Int32Array(0));
    expect(tok.decode([])).toBe('');
  });

  it('maps unknown characters to id 0 with unk, and decodes id 0 as the unk token', () => {
    const tok = CharTokenizer.fromText('hello', { unk: true });
    expect(Array.from(tok.encode('hex🙂'))).toEqual([2, 1, 0, 0]);
    expect(tok.decode(tok.encode('hex🙂'))).toBe('he<unk><unk>');
    const custom = CharTokenizer.fromText('ab', { unkToken: '?' });
    expect(custom.decode(custom.encode('abc'))).toBe('ab?');
  });

  it('decodes any ArrayLike of ids', () => {
    const tok = CharTokenizer.fromText('hihello', { order: 'first-seen' });
    expect(tok.decode(new Int32Array([0, 2, 3, 3, 4]))).toBe('hello');
    expect(tok.decode(new Float32Array([0, 1]))).toBe('hi');
    expect(tok.decode([0, 1])).toBe('hi');
  });
});

describe('CharTokenizer.decode range errors', () => {
  const tok = CharTokenizer.fromText('hihello', { order: 'first-seen' });

  it('names the id, its position and the valid range', () => {
    const error = (() => {
      try {
        tok.decode([0, 1, 5]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TokenIdRangeError);
    expect(error).toBeInstanceOf(RnnkitError);
    expect(error).toMatchObject({ name: 'TokenIdRangeError', id: 5, position: 2, vocabSize: 5 });
    expect((error as Error).message).toMatch(
      /Token id 5 at position 2 is out of range: valid ids are the integers 0 to 4 \(vocabulary size 5\)/,
    );
  });

  it('rejects negative and non-integer ids', () => {
    expect(() => tok.decode([-1])).toThrow(/Token id -1 at position 0 is out of range/);
    expect(() => tok.decode([0, 1.5])).toThrow(/Token id 1.5 at position 1 is not an integer/);
    expect(() => tok.decode([Number.NaN])).toThrow(TokenIdRangeError);
  });
});
