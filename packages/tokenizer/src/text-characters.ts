import type { VocabularyOrder } from './char-tokenizer-options.js';
import { VocabularyError } from './errors.js';

// Compare code points, not UTF-16 units: the default string sort puts emoji (surrogate pairs,
// 0xD800..) before U+E000..U+FFFF and so disagrees with code point order.
function byCodePoint(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}

/**
 * The distinct code points of `text`, in the given order. Empty text is an error: a vocabulary
 * built from nothing would make every later `encode` fail far from the real mistake.
 *
 * @example
 * ```ts
 * textCharacters('hihello', 'first-seen'); // ['h', 'i', 'e', 'l', 'o']
 * textCharacters('hihello', 'sorted'); // ['e', 'h', 'i', 'l', 'o']
 * ```
 */
export function textCharacters(text: string, order: VocabularyOrder): string[] {
  if (typeof text !== 'string' || text.length === 0) {
    throw new VocabularyError(
      `CharTokenizer.fromText needs the training text to collect characters from, got ` +
        `${typeof text === 'string' ? 'an empty string' : typeof text}. Pass the text (e.g. ` +
        `the file contents) the model will be trained on.`,
    );
  }
  // A Set iterates in insertion order, which is exactly first-seen order.
  const seen = new Set<string>();
  for (const char of text) seen.add(char);
  const chars = [...seen];
  if (order === 'sorted') chars.sort(byCodePoint);
  return chars;
}
