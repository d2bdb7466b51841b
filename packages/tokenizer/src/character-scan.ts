import type { VocabularyOrder } from './char-tokenizer-options.js';
import { flushCodePoints, visitCodePoints } from './code-points.js';
import { emptyTextError } from './vocabulary.js';

/**
 * The distinct characters (code points) of a text given in chunks, and how many code points it
 * has: the first pass of tokenising a text too large to hold as one string. Chunks may split a
 * surrogate pair; the result is the same as for the chunks joined.
 *
 * @example
 * ```ts
 * const scan = new CharacterScan();
 * for (const chunk of ['hih', 'ello']) scan.add(chunk);
 * scan.finish();
 * scan.count; // 7
 * scan.characters('first-seen'); // ['h', 'i', 'e', 'l', 'o']
 * ```
 */
export class CharacterScan {
  /** Code points seen so far (after `finish`, in the whole text). */
  count = 0;
  readonly #seenBmp = new Uint8Array(0x10000);
  readonly #seenAstral = new Set<number>();
  readonly #firstSeen: number[] = [];
  #pending = -1;
  readonly #visit = (codePoint: number): void => {
    this.count += 1;
    if (codePoint < 0x10000) {
      if (this.#seenBmp[codePoint] === 1) return;
      this.#seenBmp[codePoint] = 1;
    } else {
      if (this.#seenAstral.has(codePoint)) return;
      this.#seenAstral.add(codePoint);
    }
    this.#firstSeen.push(codePoint);
  };

  /** Adds the next chunk of the text. */
  add(chunk: string): void {
    this.#pending = visitCodePoints(chunk, this.#pending, this.#visit);
  }

  /** Ends the text: a high surrogate left at its very end counts as a lone one. */
  finish(): void {
    flushCodePoints(this.#pending, this.#visit);
    this.#pending = -1;
  }

  /**
   * The distinct characters in the given order, as `CharTokenizer.fromText` collects them.
   * Throws `VocabularyError` when the text was empty.
   */
  characters(order: VocabularyOrder): string[] {
    if (this.count === 0) throw emptyTextError('an empty string');
    const codePoints = [...this.#firstSeen];
    if (order === 'sorted') codePoints.sort((a, b) => a - b);
    return codePoints.map((codePoint) => String.fromCodePoint(codePoint));
  }
}
