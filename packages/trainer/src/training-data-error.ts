import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown for training or evaluation text that cannot be used: empty, not UTF-8, or too short for
 * one batch. The message says which setting to lower, or what text to give instead.
 */
export class TrainingDataError extends RnnkitError {
  override name = 'TrainingDataError';
  override readonly code = 'training-data';
}
