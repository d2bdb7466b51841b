import type { CharTokenizer } from '@rnnkit/tokenizer';
import { TrainingDivergedError } from '../errors.js';
import type { CheckpointData } from '../files/checkpoint-data.js';
import type { CharLM } from '../models/char-lm.js';
import type { TrainConfig } from './train-config.js';
import type { TrainEvent } from './train-events.js';
import { trainLoop } from './train-loop.js';
import { snapshotTrainer } from './trainer-snapshot.js';
import { disposeTrainerState, type TrainerState } from './trainer-state.js';

/** A training run over one text, built by `createTrainer` or `resumeTrainer`. */
export interface Trainer {
  readonly model: CharLM;
  readonly tokenizer: CharTokenizer;
  /** The resolved options (defaults filled in, epochs turned into steps). */
  readonly config: TrainConfig;
  /** Updates done so far. */
  readonly step: number;
  /** Batches per pass over the training text. */
  readonly windowsPerEpoch: number;
  /** Characters predicted in training (per epoch) and in validation. */
  readonly trainChars: number;
  readonly valChars: number;
  /**
   * Trains until `config.steps`, yielding a `step` event after every update, an `eval` event
   * at every evaluation and a final `end` event; stops between steps when `signal` fires
   * (`end` with reason `'aborted'`), leaving the run ready to checkpoint or to run again.
   * Throws `TrainingDivergedError` on a NaN or exploding loss.
   */
  run(options?: { signal?: AbortSignal }): AsyncGenerator<TrainEvent, void, undefined>;
  /** Everything needed to resume exactly here, as plain data (see `serializeCheckpoint`). */
  checkpoint(): CheckpointData;
  /** Frees the model, the optimizer and the carried state. */
  dispose(): void;
}

/** Wraps a run's state in the {@link Trainer} interface. */
export function trainerFromState(s: TrainerState): Trainer {
  let running = false;
  const { train } = s.split;
  return {
    model: s.model,
    tokenizer: s.tokenizer,
    get config() {
      return s.config;
    },
    get step() {
      return s.step;
    },
    windowsPerEpoch: train.windows,
    trainChars: train.windows * train.streams * train.seqLength,
    valChars: s.split.valChars,
    async *run(options = {}) {
      if (running) throw new Error('This trainer is already running: await the first run.');
      running = true;
      try {
        yield* trainLoop(s, options.signal);
      } finally {
        running = false;
      }
    },
    checkpoint() {
      if (s.diverged) {
        throw new TrainingDivergedError(
          'The loss diverged: the weights are damaged, so there is nothing good to save. Keep the last checkpoint written before it.',
          s.step,
          Number.NaN,
        );
      }
      return snapshotTrainer(s);
    },
    dispose() {
      disposeTrainerState(s);
    },
  };
}
