/** Thrown when a reference file is not in the format of the reference vectors' README. */
export class ReferenceFormatError extends Error {
  override name = 'ReferenceFormatError';
}
