import type { VocabularyOrder } from './char-tokenizer-options.js';
import { codePointLabel, describeCharacter } from './describe-character.js';
import { VocabularyError } from './errors.js';

// Compare code points, not UTF-16 units: the default string sort puts emoji (surrogate pairs,
// 0xD800..) before U+E000..U+FFFF and so disagrees with code point order.
function byCodePoint(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}

/** The error for a vocabulary asked of no text; `got` says what came instead. */
export function emptyTextError(got: string): VocabularyError {
  return new VocabularyError(
    `CharTokenizer.fromText needs the training text to collect characters from, got ${got}. ` +
      `Pass the text (e.g. the file contents) the model will be trained on.`,
  );
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
    throw emptyTextError(typeof text === 'string' ? 'an empty string' : typeof text);
  }
  // A Set iterates in insertion order, which is exactly first-seen order.
  const seen = new Set<string>();
  for (const char of text) seen.add(char);
  const chars = [...seen];
  if (order === 'sorted') chars.sort(byCodePoint);
  return chars;
}

function checkCharacter(entry: unknown, index: number): string {
  if (typeof entry !== 'string') {
    throw new VocabularyError(
      `Vocabulary entry at index ${index} is ${entry === null ? 'null' : typeof entry}, not a ` +
        `string. Pass an array of single characters, e.g. ['h', 'i', 'e', 'l', 'o'].`,
    );
  }
  const codePoints = Array.from(entry);
  if (codePoints.length === 1) return entry;
  if (codePoints.length === 0) {
    throw new VocabularyError(
      `Vocabulary entry at index ${index} is the empty string; each entry must be exactly one ` +
        `Unicode code point. Remove it.`,
    );
  }
  const codes = codePoints.map((c) => codePointLabel(c.codePointAt(0) ?? 0)).join(' ');
  throw new VocabularyError(
    `Vocabulary entry at index ${index}, ${JSON.stringify(entry)}, is ${codePoints.length} code ` +
      `points (${codes}); each entry must be exactly one. Split it into separate entries, or ` +
      `pass it as { unkToken: ${JSON.stringify(entry)} } if it is meant as the unknown token.`,
  );
}

/**
 * The full token list in id order: the unk token at id 0 (when there is one), then `chars`.
 * Checks that every character is one code point and appears once, so ids are unambiguous.
 * `chars` may already start with the unk token (as `tokenizer.vocabulary` does).
 *
 * @example
 * ```ts
 * buildVocabulary(['h', 'i'], '<unk>'); // ['<unk>', 'h', 'i']
 * ```
 */
export function buildVocabulary(chars: readonly unknown[], unkToken?: string): string[] {
  if (!Array.isArray(chars)) {
    throw new VocabularyError(
      `A vocabulary must be an array of single characters, got ${typeof chars}.`,
    );
  }
  const rest = unkToken !== undefined && chars[0] === unkToken ? chars.slice(1) : chars;
  const tokens = unkToken === undefined ? [] : [unkToken];
  const firstIndex = new Map<string, number>();
  const offset = chars.length - rest.length;
  rest.forEach((entry, i) => {
    const index = i + offset;
    if (unkToken !== undefined && entry === unkToken) {
      throw new VocabularyError(
        `The unk token ${JSON.stringify(unkToken)} is at index ${index} of the vocabulary; it ` +
          `must be at index 0 (its reserved id) or absent (then it is added at id 0).`,
      );
    }
    const char = checkCharacter(entry, index);
    const earlier = firstIndex.get(char);
    if (earlier !== undefined) {
      throw new VocabularyError(
        `Vocabulary entry at index ${index}, ${describeCharacter(char)}, duplicates the entry ` +
          `at index ${earlier}; ids would be ambiguous. Remove the duplicate.`,
      );
    }
    firstIndex.set(char, index);
    tokens.push(char);
  });
  if (firstIndex.size === 0) {
    throw new VocabularyError(
      'The vocabulary has no characters. Build it from non-empty text or list at least one ' +
        'character.',
    );
  }
  return tokens;
}
