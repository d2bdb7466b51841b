import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown when a named-array weight dictionary does not fit the network: missing names, extra
 * names, wrong shapes or malformed arrays. The message names every offending entry, so one
 * error shows everything that has to change (often a wrong `prefix`, cell type or size).
 */
export class WeightFormatError extends RnnkitError {
  override readonly name = 'WeightFormatError';
  override readonly code = 'weight-format';
}
