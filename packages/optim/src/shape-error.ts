/**
 * Thrown when a tensor has the wrong shape or dtype for the call it was passed to. The message
 * names the argument, what was expected and what was given.
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}
