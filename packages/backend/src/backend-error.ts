/** Thrown when a backend is unknown or cannot be initialised; the message lists what is available. */
export class BackendError extends Error {
  override name = 'BackendError';
}
