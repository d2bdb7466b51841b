import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown by `CharTokenizer.fromJSON` when the object is not a saved tokenizer: wrong `format`,
 * an unsupported `version`, missing or mistyped fields, or an invalid vocabulary.
 * Usually the file is corrupt, is something else, or was written by a newer rnnkit.
 */
export class TokenizerFormatError extends RnnkitError {
  override readonly name = 'TokenizerFormatError';
  override readonly code = 'tokenizer-format';
}
