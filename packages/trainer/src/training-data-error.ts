/**
 * Thrown for training or evaluation text that cannot be used: empty, not UTF-8, or too short for
 * one batch. The message says which setting to lower, or what text to give instead.
 */
export class TrainingDataError extends Error {
  override name = 'TrainingDataError';
}
