/**
 * Thrown when a tensor or argument has the wrong rank, size or batch for the network it is
 * given to. The message says what was expected and what was given.
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}
