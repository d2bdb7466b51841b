import type { NamedArray, NamedArrays } from '@rnnkit/cells';
import type { OptimizerState } from '@rnnkit/optim';
import type { CharTokenizerJSON } from '@rnnkit/tokenizer';
import type { CharLMConfig } from '../models/char-lm.js';
import type { TrainConfig } from '../train/train-config.js';

/** The format name in `model.json` (`format`), and the version this code writes and reads. */
export const CHECKPOINT_FORMAT = 'rnnkit-char-lm';
export const CHECKPOINT_VERSION = 1;

/** One evaluation of a run, kept in every later checkpoint. */
export interface HistoryEntry {
  step: number;
  /** Mean training loss over the steps since the previous evaluation (nats/char). */
  trainLoss: number;
  /** Validation loss (nats/char); `null` without a validation split. */
  valLoss: number | null;
}

/** Everything needed to continue a run exactly where it stopped. */
export interface TrainingState {
  config: TrainConfig;
  /** Updates done; the next batch is window `step % windowsPerEpoch` of the streams. */
  step: number;
  /** Windows per epoch of the text the run was on (for display: resuming recomputes it). */
  windowsPerEpoch: number;
  optimizer: OptimizerState;
  /** The training RNG's state (sample seeds, dropout masks). */
  rngState: number;
  /** The recurrent state carried into the next window; absent at an epoch boundary. */
  carried?: { h: NamedArray; c?: NamedArray };
  /** First step's loss: the health guard's reference for an exploding loss. */
  initialLoss: number | null;
  bestValLoss: number | null;
  bestStep: number | null;
  /** Loss sum and count since the last evaluation, for its mean training loss. */
  interval: { lossSum: number; steps: number };
  history: HistoryEntry[];
  /** Training wall time so far, in seconds, evaluations included. */
  elapsedSeconds: number;
}

/** A checkpoint in memory: a model, its tokenizer, and (optionally) how to resume training. */
export interface CheckpointData {
  model: Required<CharLMConfig>;
  tokenizer: CharTokenizerJSON;
  /** Model weights by PyTorch-style name (`rnn.weight_ih_l0`, `fc.weight`, …). */
  params: NamedArrays;
  training?: TrainingState;
}
