import { RnnkitError } from '@rnnkit/core';
/** A mistake in how the command was called: printed with a hint, exit code 2. */
export class UsageError extends RnnkitError {
  override name = 'UsageError';
  override readonly code = 'usage';
}
