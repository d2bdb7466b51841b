import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';
import { UnknownCharacterError } from './errors.js';

function encodeError(tok: CharTokenizer, text: string): UnknownCharacterError {
  try {
    tok.encode(text);
  } catch (error) {
    if (error instanceof UnknownCharacterError) return error;
    throw error;
  }
  throw new Error('expected encode to throw UnknownCharacterError');
}

describe('UnknownCharacterError from encode', () => {
  const tok = CharTokenizer.fromText('hello\nworld');

  it('shows the character, its U+ code, its index, line and column, and what to do', () => {
    const error = encodeError(tok, 'hello\nwoXld');
    expect(error.name).toBe('UnknownCharacterError');
    expect(error).toMatchObject({ character: 'X', codePoint: 0x58, index: 8, line: 2 });
    expect(error.column).toBe(3);
    expect(error.message).toContain("'X' (U+0058) at index 8 (line 2, column 3)");
    expect(error.message).toContain('Rebuild the vocabulary from text that includes it');
    expect(error.message).toContain('{ unk: true }');
  });

  it('counts the position in code points, after emoji', () => {
    const emoji = CharTokenizer.fromText('a🙂');
    const error = encodeError(emoji, '🙂🙂a😀');
    expect(error).toMatchObject({ character: '😀', codePoint: 0x1f600, index: 3, column: 4 });
    expect(error.message).toContain("'😀' (U+1F600) at index 3 (line 1, column 4)");
  });

  it('makes invisible characters readable', () => {
    const error = encodeError(tok, 'he\u200Bllo');
    expect(error.message).toContain("'\\u{200B}' (U+200B) at index 2");
    const nbsp = encodeError(tok, 'hello\u00A0');
    expect(nbsp.message).toContain("'\\u{A0}' (U+00A0)");
  });

  it('shows a lone combining mark on a dotted circle', () => {
    const error = encodeError(tok, 'he\u0301');
    expect(error).toMatchObject({ character: '\u0301', codePoint: 0x301, index: 2 });
    expect(error.message).toContain("'\u25CC\u0301' (U+0301)");
  });

  it('is not thrown when the tokenizer has an unk token', () => {
    const withUnk = CharTokenizer.fromText('hello', { unk: true });
    expect(() => withUnk.encode('X')).not.toThrow();
  });
});
