// Every error a user of the trainer can cause, in one place. Each extends RnnkitError, so callers
// (the CLI) tell a user's mistake from a bug by `instanceof RnnkitError` and `userError`.
import { RnnkitError } from '@rnnkit/core';

/** Thrown for a model or training configuration that cannot work; the message says which value. */
export class ConfigError extends RnnkitError {
  override name = 'ConfigError';
  override readonly code = 'config';
}

/**
 * Thrown for training or evaluation text that cannot be used: empty, not UTF-8, or too short for
 * one batch. The message says which setting to lower, or what text to give instead.
 */
export class TrainingDataError extends RnnkitError {
  override name = 'TrainingDataError';
  override readonly code = 'training-data';
}

/**
 * Thrown by a training run whose loss became NaN or infinite, or exploded (rose above a
 * multiple of the first step's loss, as char-rnn checks). The weights are damaged from then
 * on: keep the last checkpoint written before it, and retry with a lower learning rate or
 * tighter clipping.
 */
export class TrainingDivergedError extends RnnkitError {
  override name = 'TrainingDivergedError';
  override readonly code = 'training-diverged';
  /** The step whose loss was bad. */
  readonly step: number;
  /** That loss, in nats per character. */
  readonly loss: number;

  constructor(message: string, step: number, loss: number) {
    super(message);
    this.step = step;
    this.loss = loss;
  }
}

/**
 * Thrown for a checkpoint that cannot be loaded: missing, truncated, corrupted, from another
 * format or version, or whose weights do not fit its model. The message says which part is
 * wrong and what to use instead.
 */
export class CheckpointError extends RnnkitError {
  override name = 'CheckpointError';
  override readonly code = 'checkpoint';
}

/**
 * Thrown when an exported or imported model file does not describe an rnnkit character model:
 * a sidecar or model.json with a wrong format, version or config, a layer stack rnnkit does not
 * have, or a config that contradicts the weights. The message says what and what to do.
 */
export class ModelFileError extends RnnkitError {
  override readonly name = 'ModelFileError';
  override readonly code = 'model-file';
}

/** Thrown when a reference file is not in the format of the reference vectors' README. */
export class ReferenceFormatError extends RnnkitError {
  override name = 'ReferenceFormatError';
  override readonly code = 'reference-format';
}
