import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown when a tokenizer cannot be built from what it was given: empty text, a duplicate or
 * multi-code-point vocabulary entry, a misplaced unk token, or an unknown option value.
 * The message says which input was wrong and how to fix it.
 */
export class VocabularyError extends RnnkitError {
  override readonly name = 'VocabularyError';
  override readonly code = 'vocabulary';
}
