import {
  CHAR_TOKENIZER_FORMAT,
  CHAR_TOKENIZER_FORMAT_VERSION,
  type CharTokenizerJSON,
  parseCharTokenizerJSON,
} from './char-tokenizer-json.js';
import {
  type CharTokenizerOptions,
  type FromTextOptions,
  resolveOrder,
  resolveUnkToken,
} from './char-tokenizer-options.js';
import type { CharacterScan } from './character-scan.js';
import { type ChunkEncoder, createChunkEncoder } from './chunk-encoder.js';
import { TokenIdRangeError, UnknownCharacterError } from './errors.js';
import { textPosition } from './text-position.js';
import type { TokenIds } from './token-ids.js';
import { buildVocabulary, textCharacters } from './vocabulary.js';

/**
 * Maps text to integer ids one Unicode code point at a time, and back.
 *
 * A token is one code point, so `"e\u0301"` (e + combining acute) is two tokens and emoji
 * outside the BMP are one. With an unk token, id 0 is reserved for it and characters start at 1.
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromText('hihello', { order: 'first-seen' });
 * tok.vocabulary; // ['h', 'i', 'e', 'l', 'o']
 * tok.decode(tok.encode('hello')); // 'hello'
 * ```
 */
export class CharTokenizer {
  /** Every token in id order: `vocabulary[id]` is the token with that id. */
  readonly vocabulary: readonly string[];
  /** The token id 0 decodes to, or `undefined` when unknown characters throw. */
  readonly unkToken: string | undefined;
  readonly #ids: ReadonlyMap<string, number>;

  private constructor(tokens: readonly string[], unkToken: string | undefined) {
    this.vocabulary = Object.freeze([...tokens]);
    this.unkToken = unkToken;
    this.#ids = new Map(tokens.map((token, id) => [token, id]));
  }

  /**
   * Builds the vocabulary from the distinct code points of `text`, ordered by code point
   * (`order: 'sorted'`, the default) or by first appearance (`order: 'first-seen'`).
   * With `unk: true` the unk token takes id 0 and the characters follow from id 1.
   * Empty text throws `VocabularyError`.
   *
   * @example
   * ```ts
   * CharTokenizer.fromText('hihello').vocabulary; // ['e', 'h', 'i', 'l', 'o']
   * CharTokenizer.fromText('hi', { unk: true }).vocabulary; // ['<unk>', 'h', 'i']
   * ```
   */
  static fromText(text: string, options: FromTextOptions = {}): CharTokenizer {
    const unkToken = resolveUnkToken(options);
    // A one-code-point unk token found in the text already owns id 0.
    const chars = textCharacters(text, resolveOrder(options)).filter((c) => c !== unkToken);
    return new CharTokenizer(buildVocabulary(chars, unkToken), unkToken);
  }

  /**
   * Builds the vocabulary `fromText` would build from the text a `CharacterScan` has read in
   * chunks, so a text too large for one string gets the same ids.
   *
   * @example
   * ```ts
   * const scan = new CharacterScan();
   * scan.add('hih');
   * scan.add('ello');
   * scan.finish();
   * CharTokenizer.fromCharacterScan(scan).vocabulary; // ['e', 'h', 'i', 'l', 'o']
   * ```
   */
  static fromCharacterScan(scan: CharacterScan, options: FromTextOptions = {}): CharTokenizer {
    const unkToken = resolveUnkToken(options);
    const chars = scan.characters(resolveOrder(options)).filter((c) => c !== unkToken);
    return new CharTokenizer(buildVocabulary(chars, unkToken), unkToken);
  }

  /**
   * Builds a tokenizer whose ids are the positions in `chars` (each one code point, no
   * duplicates). With an unk token, it is added at id 0 unless `chars` already starts with it,
   * so `fromVocabulary(tok.vocabulary, { unkToken: tok.unkToken })` reproduces `tok`.
   *
   * @example
   * ```ts
   * CharTokenizer.fromVocabulary(['h', 'i', 'e', 'l', 'o']).idOf('e'); // 2
   * ```
   */
  static fromVocabulary(
    chars: readonly string[],
    options: CharTokenizerOptions = {},
  ): CharTokenizer {
    const unkToken = resolveUnkToken(options);
    return new CharTokenizer(buildVocabulary(chars, unkToken), unkToken);
  }

  /**
   * Restores a tokenizer saved with `toJSON`, with identical ids. Throws `TokenizerFormatError`
   * when `value` is not a valid saved tokenizer of a supported version.
   *
   * @example
   * ```ts
   * const copy = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
   * ```
   */
  static fromJSON(value: unknown): CharTokenizer {
    const { vocabulary, unkToken } = parseCharTokenizerJSON(value);
    return new CharTokenizer(vocabulary, unkToken);
  }

  /** Number of ids, including the unk token; the model's input and output size. */
  get vocabSize(): number {
    return this.vocabulary.length;
  }

  /** The id unknown characters map to (always 0), or `undefined` without an unk token. */
  get unkId(): number | undefined {
    return this.unkToken === undefined ? undefined : 0;
  }

  /** The id of a token, or `undefined` if it is not in the vocabulary (no unk fallback). */
  idOf(char: string): number | undefined {
    return this.#ids.get(char);
  }

  /** The token with this id, or `undefined` if the id is out of range. */
  charOf(id: number): string | undefined {
    return Number.isInteger(id) ? this.vocabulary[id] : undefined;
  }

  /**
   * One id per code point of `text`. A character outside the vocabulary maps to the unk id, or
   * throws `UnknownCharacterError` (with its code point and position) when there is no unk token.
   *
   * @example
   * ```ts
   * CharTokenizer.fromText('hihello', { order: 'first-seen' }).encode('hello'); // [0, 2, 3, 3, 4]
   * ```
   */
  encode(text: string): Int32Array {
    // UTF-16 length bounds the code point count; trim once at the end instead of growing.
    const ids = new Int32Array(text.length);
    let n = 0;
    for (const char of text) {
      ids[n] = this.#ids.get(char) ?? this.#unknown(text, n, char);
      n += 1;
    }
    return n === ids.length ? ids : ids.slice(0, n);
  }

  /**
   * An encoder for a text given in chunks (a surrogate pair may be split between two), writing
   * the ids `encode` would return for the chunks joined into `target`, which must hold the
   * text's code point count (`CharacterScan.count`); see `allocateTokenIds`.
   *
   * @example
   * ```ts
   * const ids = allocateTokenIds(tok.vocabSize, scan.count);
   * const encoder = tok.chunkEncoder(ids);
   * for (const chunk of chunks) encoder.write(chunk);
   * encoder.end(); // ids written
   * ```
   */
  chunkEncoder(target: TokenIds): ChunkEncoder {
    return createChunkEncoder(this.vocabulary, this.unkId, target);
  }

  /**
   * The text for `ids`; the unk id renders as the unk token. Throws `TokenIdRangeError` for an
   * id outside `0 .. vocabSize - 1`, naming the id and its position.
   *
   * @example
   * ```ts
   * tok.decode([0, 1]); // 'hi' for the first-seen 'hihello' vocabulary
   * ```
   */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i += 1) {
      const id = ids[i] as number;
      const token = this.charOf(id);
      if (token === undefined) throw new TokenIdRangeError(id, i, this.vocabSize);
      parts[i] = token;
    }
    return parts.join('');
  }

  /** A plain, versioned object for `JSON.stringify`; `CharTokenizer.fromJSON` reads it back. */
  toJSON(): CharTokenizerJSON {
    return {
      format: CHAR_TOKENIZER_FORMAT,
      version: CHAR_TOKENIZER_FORMAT_VERSION,
      vocabulary: [...this.vocabulary],
      unkToken: this.unkToken ?? null,
    };
  }

  #unknown(text: string, index: number, character: string): number {
    if (this.unkToken !== undefined) return 0;
    const { line, column } = textPosition(text, index);
    throw new UnknownCharacterError({ character, index, line, column, vocabSize: this.vocabSize });
  }
}
