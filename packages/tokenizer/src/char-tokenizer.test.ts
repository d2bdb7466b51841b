import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';
import { VocabularyError } from './errors.js';

describe('CharTokenizer.fromText', () => {
  it('orders the lecture vocabulary first-seen: hihello gives h, i, e, l, o', () => {
    const tok = CharTokenizer.fromText('hihello', { order: 'first-seen' });
    expect(tok.vocabulary).toEqual(['h', 'i', 'e', 'l', 'o']);
    expect(Array.from(tok.encode('hihell'))).toEqual([0, 1, 0, 2, 3, 3]);
  });

  it('sorts by code point by default, independent of text order', () => {
    expect(CharTokenizer.fromText('hihello').vocabulary).toEqual(['e', 'h', 'i', 'l', 'o']);
    expect(CharTokenizer.fromText('ollehih').vocabulary).toEqual(['e', 'h', 'i', 'l', 'o']);
  });

  it('sorts emoji after U+FF71 by code point, not by UTF-16 unit', () => {
    // The default string sort would put the surrogate pair (0xD83D…) first.
    const tok = CharTokenizer.fromText('🙂ｱa');
    expect(tok.vocabulary).toEqual(['a', 'ｱ', '🙂']);
  });

  it('reserves id 0 for the unk token and numbers characters from 1', () => {
    const tok = CharTokenizer.fromText('hihello', { unk: true, order: 'first-seen' });
    expect(tok.vocabulary).toEqual(['<unk>', 'h', 'i', 'e', 'l', 'o']);
    expect(tok.unkId).toBe(0);
    expect(tok.vocabSize).toBe(6);
  });

  it('gives a one-code-point unk token found in the text id 0 only once', () => {
    const tok = CharTokenizer.fromText('a\uFFFDb', { unkToken: '\uFFFD' });
    expect(tok.vocabulary).toEqual(['\uFFFD', 'a', 'b']);
  });

  it('rejects empty text, an unknown order and conflicting unk options', () => {
    expect(() => CharTokenizer.fromText('')).toThrow(VocabularyError);
    expect(() => CharTokenizer.fromText('')).toThrow(/empty string.*Pass the text/);
    const order = 'alpha' as 'sorted';
    expect(() => CharTokenizer.fromText('ab', { order })).toThrow(/"alpha".*'first-seen'/);
    expect(() => CharTokenizer.fromText('ab', { unk: false, unkToken: '?' })).toThrow(
      VocabularyError,
    );
    expect(() => CharTokenizer.fromText('ab', { unkToken: '' })).toThrow(/non-empty string/);
  });
});

describe('CharTokenizer.fromVocabulary', () => {
  it('uses list positions as ids', () => {
    const tok = CharTokenizer.fromVocabulary(['h', 'i', 'e', 'l', 'o']);
    expect(tok.idOf('e')).toBe(2);
    expect(tok.charOf(4)).toBe('o');
    expect(tok.idOf('z')).toBeUndefined();
    expect(tok.charOf(5)).toBeUndefined();
    expect(tok.charOf(-1)).toBeUndefined();
    expect(tok.charOf(1.5)).toBeUndefined();
    expect(tok.unkId).toBeUndefined();
  });

  it('adds the unk token at id 0, or keeps it there when already given', () => {
    expect(CharTokenizer.fromVocabulary(['a'], { unk: true }).vocabulary).toEqual(['<unk>', 'a']);
    const tok = CharTokenizer.fromVocabulary(['<unk>', 'a'], { unk: true });
    expect(tok.vocabulary).toEqual(['<unk>', 'a']);
  });

  it('rejects duplicates, naming both positions', () => {
    expect(() => CharTokenizer.fromVocabulary(['a', 'b', 'a'])).toThrow(
      /index 2, 'a' \(U\+0061\), duplicates the entry at index 0/,
    );
  });

  it('rejects multi-code-point entries but allows "e\\u0301" as two entries', () => {
    expect(() => CharTokenizer.fromVocabulary(['a', 'e\u0301'])).toThrow(
      /index 1.*2 code points \(U\+0065 U\+0301\)/,
    );
    expect(() => CharTokenizer.fromVocabulary(['<unk>', 'a'])).toThrow(/unkToken/);
    expect(CharTokenizer.fromVocabulary(['e', '\u0301']).vocabSize).toBe(2);
  });

  it('rejects empty entries, non-strings, a misplaced unk token and an empty list', () => {
    expect(() => CharTokenizer.fromVocabulary(['a', ''])).toThrow(/index 1 is the empty string/);
    const bad = ['a', 7] as unknown as string[];
    expect(() => CharTokenizer.fromVocabulary(bad)).toThrow(/index 1 is number/);
    expect(() => CharTokenizer.fromVocabulary(['a', '<unk>'], { unk: true })).toThrow(
      /at index 1 of the vocabulary; it must be at index 0/,
    );
    expect(() => CharTokenizer.fromVocabulary([])).toThrow(/no characters/);
    expect(() => CharTokenizer.fromVocabulary(['<unk>'], { unk: true })).toThrow(VocabularyError);
  });

  it('freezes the vocabulary so ids cannot drift', () => {
    const tok = CharTokenizer.fromVocabulary(['a', 'b']);
    expect(Object.isFrozen(tok.vocabulary)).toBe(true);
  });
});
