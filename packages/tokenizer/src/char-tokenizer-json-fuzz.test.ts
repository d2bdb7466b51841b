// Fuzzing CharTokenizer.fromJSON (issue 13): every mutated saved tokenizer either loads, and
// then round-trips its own vocabulary, or fails with a named RnnkitError. Prototype keys in
// the parsed JSON never reach Object.prototype.
import { createRng, parseJsonSafely, RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char-tokenizer.js';

const JUNK: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2,
  'abc',
  '',
  'ab',
  '\u{1F600}',
  [],
  {},
  ['a'],
  'x'.repeat(5000),
];

function mutate(value: Record<string, unknown>, rng: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = ['format', 'version', 'vocabulary', 'unkToken', '__proto__', 'extra'];
  const key = pick(keys);
  const vocab = [...(copy.vocabulary as string[])];
  switch (Math.floor(rng() * 6)) {
    case 0:
      copy[key] = structuredClone(pick(JUNK));
      break;
    case 1:
      delete copy[key];
      break;
    case 2: // a duplicate, an empty token, a two-character token, a lone surrogate
      vocab.splice(
        Math.floor(rng() * vocab.length),
        0,
        pick([vocab[0] ?? 'a', '', 'ab', '\uD800', '\u{1F600}']),
      );
      copy.vocabulary = vocab;
      break;
    case 3:
      vocab[Math.floor(rng() * vocab.length)] = structuredClone(pick(JUNK)) as string;
      copy.vocabulary = vocab;
      break;
    case 4:
      copy.unkToken = pick([null, vocab[0], vocab[1], '?', '', 3]);
      break;
    default:
      return pick(JUNK);
  }
  return copy;
}

describe('CharTokenizer.fromJSON under fuzzing', { timeout: 60_000 }, () => {
  it('5000 mutated tokenizers load or fail with a named error', () => {
    const saved = [
      CharTokenizer.fromText('hello, world\n').toJSON(),
      CharTokenizer.fromText('abc\u{1F600}', { unkToken: '?' }).toJSON(),
    ] as unknown as Record<string, unknown>[];
    const rng = createRng(1321);
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < 5000; trial++) {
      const value = mutate(saved[trial % 2] as Record<string, unknown>, rng);
      let outcome = 'ok';
      try {
        const tok = CharTokenizer.fromJSON(value as never);
        expect(CharTokenizer.fromJSON(tok.toJSON()).vocabulary).toEqual(tok.vocabulary);
      } catch (error) {
        if (!(error instanceof RnnkitError)) {
          throw new Error(`trial ${trial}: not a named rnnkit error: ${String(error)}`);
        }
        expect(error.message.length).toBeLessThanOrEqual(2100);
        outcome = error.code;
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    expect(outcomes.ok ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(200);
    expect(Object.keys(outcomes).length, JSON.stringify(outcomes)).toBeGreaterThan(1);
  });

  it('prototype keys in a saved tokenizer file are dropped by parseJsonSafely', () => {
    const text =
      '{"__proto__":{"polluted":1},"constructor":{"x":1},"format":"rnnkit.char-tokenizer","version":1,"vocabulary":["a","b"],"unkToken":null}';
    const value = parseJsonSafely(text, (e) => {
      throw e;
    }) as Record<string, unknown>;
    expect(Object.hasOwn(value, '__proto__')).toBe(false);
    expect(Object.hasOwn(value, 'constructor')).toBe(false);
    expect(CharTokenizer.fromJSON(value as never).vocabSize).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
