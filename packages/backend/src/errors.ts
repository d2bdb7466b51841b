import { RnnkitError } from '@rnnkit/core';
/** Thrown when a backend is unknown or cannot be initialised; the message lists what is available. */
export class BackendError extends RnnkitError {
  override name = 'BackendError';
  override readonly code = 'backend';
}
