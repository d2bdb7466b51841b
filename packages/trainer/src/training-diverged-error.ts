import { RnnkitError } from '@rnnkit/core';
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
