import { createRng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import {
  allocateTokenIds,
  CharacterScan,
  CharTokenizer,
  UnknownCharacterError,
  VocabularyError,
} from './index.js';

/** `text` cut every `size` UTF-16 units: surrogate pairs end up split between chunks. */
const cut = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
    text.slice(i * size, (i + 1) * size),
  );

function scanChunks(chunks: readonly string[]): CharacterScan {
  const scan = new CharacterScan();
  for (const chunk of chunks) scan.add(chunk);
  scan.finish();
  return scan;
}

function encodeChunks(tok: CharTokenizer, chunks: readonly string[], count: number) {
  const ids = allocateTokenIds(tok.vocabSize, count);
  const encoder = tok.chunkEncoder(ids);
  for (const chunk of chunks) encoder.write(chunk);
  return { ids, written: encoder.end() };
}

// Letters, accents, CJK, emoji (surrogate pairs), a lone high and a lone low surrogate.
const ALPHABET = ['a', 'b', ' ', '\n', 'é', '中', '😀', '🦀', '\uD800', '\uDC00', 'e\u0301'];
function randomText(seed: number, length: number): string {
  const rng = createRng(seed);
  return Array.from({ length }, () => ALPHABET[Math.floor(rng() * ALPHABET.length)]).join('');
}

describe('text in chunks', () => {
  it('gives the vocabulary and ids of the whole string, however it is cut', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const text = randomText(seed, 200) + (seed % 2 === 0 ? '\uD83D' : ''); // a lone high at the end
      for (const order of ['sorted', 'first-seen'] as const) {
        const whole = CharTokenizer.fromText(text, { order });
        const expected = whole.encode(text);
        for (const size of [1, 2, 3, 7, 64, 1000]) {
          const chunks = cut(text, size);
          const scan = scanChunks(chunks);
          expect(scan.count).toBe(expected.length);
          const tok = CharTokenizer.fromCharacterScan(scan, { order });
          expect(tok.vocabulary).toEqual(whole.vocabulary);
          const { ids, written } = encodeChunks(tok, chunks, scan.count);
          expect(written).toBe(expected.length);
          expect(Array.from(ids)).toEqual(Array.from(expected));
        }
      }
    }
  });

  it('picks the smallest id array for the vocabulary', () => {
    expect(allocateTokenIds(256, 3)).toBeInstanceOf(Uint8Array);
    expect(allocateTokenIds(257, 3)).toBeInstanceOf(Uint16Array);
    expect(allocateTokenIds(65_536, 3)).toBeInstanceOf(Uint16Array);
    expect(allocateTokenIds(65_537, 3)).toBeInstanceOf(Int32Array);
    // 300 distinct characters: ids above 255 survive in a Uint16Array.
    const text = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    const chunks = cut(text, 5);
    const tok = CharTokenizer.fromCharacterScan(scanChunks(chunks));
    const { ids } = encodeChunks(tok, chunks, 300);
    expect(ids).toBeInstanceOf(Uint16Array);
    expect(Array.from(ids)).toEqual(Array.from(tok.encode(text)));
  });

  it('maps unknown characters to unk, or names them where the whole string would', () => {
    const tok = CharTokenizer.fromText('ab\n');
    const text = 'ab\nba\nab😀a';
    const chunks = cut(text, 2);
    const count = scanChunks(chunks).count;
    let fromChunks: unknown;
    try {
      encodeChunks(tok, chunks, count);
    } catch (error) {
      fromChunks = error;
    }
    expect(fromChunks).toBeInstanceOf(UnknownCharacterError);
    expect(() => tok.encode(text)).toThrow((fromChunks as Error).message);
    expect(fromChunks).toMatchObject({ index: 8, line: 3, column: 3, character: '😀' });

    const withUnk = CharTokenizer.fromText('ab\n', { unk: true });
    expect(Array.from(encodeChunks(withUnk, chunks, count).ids)).toEqual(
      Array.from(withUnk.encode(text)),
    );
  });

  it('refuses an empty text and a text longer than its count', () => {
    expect(() => CharTokenizer.fromCharacterScan(scanChunks([]))).toThrow(VocabularyError);
    const tok = CharTokenizer.fromText('ab');
    expect(() => encodeChunks(tok, ['abab'], 3)).toThrow(/more than the 3 characters/);
  });
});
