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
