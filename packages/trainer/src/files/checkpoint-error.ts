import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown for a checkpoint that cannot be loaded: missing, truncated, corrupted, from another
 * format or version, or whose weights do not fit its model. The message says which part is
 * wrong and what to use instead.
 */
export class CheckpointError extends RnnkitError {
  override name = 'CheckpointError';
  override readonly code = 'checkpoint';
}
