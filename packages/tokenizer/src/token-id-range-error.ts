import { RnnkitError } from '@rnnkit/core';
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
