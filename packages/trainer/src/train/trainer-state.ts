import type { RecurrentState } from '@rnnkit/cells';
import type { Rng } from '@rnnkit/core';
import type { Optimizer } from '@rnnkit/optim';
import type { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import type { TextSplit } from '../data/split-text.js';
import type { HistoryEntry } from '../files/checkpoint-data.js';
import { type CharLM, charLMParams } from '../models/char-lm.js';
import type { TrainConfig } from './train-config.js';

/** The mutable state of a training run: what a checkpoint must capture to resume it. */
export interface TrainerState {
  readonly model: CharLM;
  readonly tokenizer: CharTokenizer;
  readonly optimizer: Optimizer;
  readonly split: TextSplit;
  config: TrainConfig;
  step: number;
  rng: Rng;
  /** State carried into the next window; undefined means zeros (an epoch boundary). */
  carried?: RecurrentState;
  initialLoss: number | null;
  bestValLoss: number | null;
  bestStep: number | null;
  interval: { lossSum: number; steps: number };
  history: HistoryEntry[];
  elapsedSeconds: number;
  /** Set when the loss diverged: the weights are damaged and must not be saved. */
  diverged: boolean;
}

/** Replaces the carried state, freeing the old one. */
export function setCarried(s: TrainerState, next: RecurrentState | undefined): void {
  if (s.carried) tf.dispose([s.carried.h, s.carried.c as tf.Tensor]);
  s.carried = next;
}

/** Frees the model, optimizer and carried state of a run. */
export function disposeTrainerState(s: TrainerState): void {
  setCarried(s, undefined);
  s.optimizer.dispose();
  tf.dispose(Object.values(charLMParams(s.model)));
}
