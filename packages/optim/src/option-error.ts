import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown for an invalid option: a value outside its valid range (the message gives the range),
 * an unknown option key, or an unknown optimizer name (the message lists the known ones).
 */
export class OptionError extends RnnkitError {
  override readonly name = 'OptionError';
  override readonly code = 'option';
}
