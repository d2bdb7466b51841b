import { RnnkitError } from '@rnnkit/core';
/** Thrown when a reference file is not in the format of the reference vectors' README. */
export class ReferenceFormatError extends RnnkitError {
  override name = 'ReferenceFormatError';
  override readonly code = 'reference-format';
}
