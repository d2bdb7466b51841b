import { RnnkitError } from '@rnnkit/core';
import { describeCharacter } from './describe-character.js';
import type { TextPosition } from './text-position.js';

/** Where an unknown character was met, and how large the vocabulary that lacked it is. */
export interface UnknownCharacterDetails extends TextPosition {
  /** The character (one code point). */
  readonly character: string;
  /** Its index in the text, counted in code points (the index of its id in `encode`'s output). */
  readonly index: number;
  /** The size of the vocabulary that does not contain it. */
  readonly vocabSize: number;
}

/**
 * Thrown by `CharTokenizer.encode` for a character outside the vocabulary when the tokenizer
 * was built without an unk token. The message names the character with its U+ code (so
 * invisible characters are readable) and its position, and says how to fix it.
 */
export class UnknownCharacterError extends RnnkitError {
  override readonly name = 'UnknownCharacterError';
  readonly character: string;
  readonly codePoint: number;
  readonly index: number;
  readonly line: number;
  readonly column: number;

  constructor(details: UnknownCharacterDetails) {
    const { character, index, line, column, vocabSize } = details;
    super(
      `Unknown character ${describeCharacter(character)} at index ${index} ` +
        `(line ${line}, column ${column}): it is not in this tokenizer's vocabulary of ` +
        `${vocabSize} tokens. Rebuild the vocabulary from text that includes it ` +
        `(CharTokenizer.fromText), or build the tokenizer with { unk: true } so unknown ` +
        `characters map to the '<unk>' token (id 0).`,
    );
    this.character = character;
    this.codePoint = character.codePointAt(0) ?? 0;
    this.index = index;
    this.line = line;
    this.column = column;
  }
}

/**
 * Thrown by `CharTokenizer.decode` for an id that is not an integer in `[0, vocabSize)`.
 * This almost always means the ids came from a model or tokenizer with a different vocabulary.
 */
export class TokenIdRangeError extends RnnkitError {
  override readonly name = 'TokenIdRangeError';
  override readonly code = 'token-id-range';
  readonly id: number;
  readonly position: number;
  readonly vocabSize: number;

  constructor(id: number, position: number, vocabSize: number) {
    const problem = Number.isInteger(id) ? 'is out of range' : 'is not an integer';
    super(
      `Token id ${id} at position ${position} ${problem}: valid ids are the integers 0 to ` +
        `${vocabSize - 1} (vocabulary size ${vocabSize}). Decode with the tokenizer the ids ` +
        `came from, and check that the model's output size equals the tokenizer's vocabSize.`,
    );
    this.id = id;
    this.position = position;
    this.vocabSize = vocabSize;
  }
}

/**
 * Thrown by `CharTokenizer.fromJSON` when the object is not a saved tokenizer: wrong `format`,
 * an unsupported `version`, missing or mistyped fields, or an invalid vocabulary.
 * Usually the file is corrupt, is something else, or was written by a newer rnnkit.
 */
export class TokenizerFormatError extends RnnkitError {
  override readonly name = 'TokenizerFormatError';
  override readonly code = 'tokenizer-format';
}

/**
 * Thrown when a tokenizer cannot be built from what it was given: empty text, a duplicate or
 * multi-code-point vocabulary entry, a misplaced unk token, or an unknown option value.
 * The message says which input was wrong and how to fix it.
 */
export class VocabularyError extends RnnkitError {
  override readonly name = 'VocabularyError';
  override readonly code = 'vocabulary';
}
