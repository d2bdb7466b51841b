import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';
import { TokenizerFormatError } from './errors.js';

const saved = (tok: CharTokenizer) => JSON.parse(JSON.stringify(tok));

describe('CharTokenizer JSON', () => {
  it('writes a plain, versioned object', () => {
    const tok = CharTokenizer.fromText('hihello', { order: 'first-seen' });
    expect(tok.toJSON()).toEqual({
      format: 'rnnkit.char-tokenizer',
      version: 1,
      vocabulary: ['h', 'i', 'e', 'l', 'o'],
      unkToken: null,
    });
  });

  it('round-trips ids exactly, including unk and astral characters', () => {
    const text = 'zebra 🙂 안녕 e\u0301';
    for (const tok of [
      CharTokenizer.fromText(text, { order: 'first-seen' }),
      CharTokenizer.fromText(text, { unk: true }),
      CharTokenizer.fromText(text, { unkToken: '\uFFFD' }),
    ]) {
      // Any drift in ids would silently scramble a trained model's inputs and outputs.
      const copy = CharTokenizer.fromJSON(saved(tok));
      expect(copy.vocabulary).toEqual(tok.vocabulary);
      expect(copy.unkToken).toBe(tok.unkToken);
      expect(copy.encode(text)).toEqual(tok.encode(text));
      expect(Array.from(copy.vocabulary, (c) => copy.idOf(c))).toEqual(
        Array.from(tok.vocabulary, (c) => tok.idOf(c)),
      );
      expect(copy.decode(copy.encode(text))).toBe(text);
    }
  });

  const good = CharTokenizer.fromText('abc', { unk: true }).toJSON();
  const corrupt: [string, unknown, RegExp][] = [
    ['a string', JSON.stringify(good), /got a string; JSON\.parse it first/],
    ['null', null, /expected an object, got null/],
    ['an array', ['a'], /expected an object, got an array/],
    ['a wrong format', { ...good, format: 'other' }, /"format" is "other"/],
    ['a missing version', { ...good, version: undefined }, /"version" is undefined, expected 1/],
    ['a newer version', { ...good, version: 2 }, /format version 2.*Upgrade @rnnkit\/tokenizer/],
    ['no vocabulary', { ...good, vocabulary: 'abc' }, /"vocabulary" is missing or not an array/],
    ['a bad unkToken', { ...good, unkToken: 3 }, /"unkToken" must be a non-empty string or null/],
    ['a misplaced unk', { ...good, vocabulary: ['a', '<unk>'] }, /is not vocabulary entry 0/],
    [
      'a duplicate',
      { ...good, vocabulary: ['<unk>', 'a', 'a'] },
      /duplicates the entry at index 1/,
    ],
    ['a long entry', { ...good, unkToken: null, vocabulary: ['ab'] }, /2 code points/],
    ['an empty vocabulary', { ...good, unkToken: null, vocabulary: [] }, /no characters/],
  ];

  it.each(corrupt)('rejects %s with TokenizerFormatError', (_, value, message) => {
    expect(() => CharTokenizer.fromJSON(value)).toThrow(TokenizerFormatError);
    expect(() => CharTokenizer.fromJSON(value)).toThrow(message);
  });

  it('names the error and says how to save and load', () => {
    try {
      CharTokenizer.fromJSON({});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TokenizerFormatError);
      expect((error as Error).name).toBe('TokenizerFormatError');
      expect((error as Error).message).toMatch(/Not a valid saved CharTokenizer.*fromJSON/);
    }
  });
});
