import { RnnkitError } from '@rnnkit/core';
/** A file the user named cannot be used (missing, unreadable, a folder): exit code 1. */
export class InputError extends RnnkitError {
  override name = 'InputError';
  override readonly code = 'input';
}
