import { type NamedArray, paramsStateDict } from '@rnnkit/cells';
import type * as tf from '@tensorflow/tfjs-core';
import type { CheckpointData } from '../files/checkpoint-data.js';
import { charLMParams } from '../models/char-lm.js';
import type { TrainerState } from './trainer-state.js';

const named = (t: tf.Tensor): NamedArray => ({
  shape: [...t.shape],
  data: Float32Array.from(t.dataSync()),
});

/** Copies a run's complete state out as plain data (deep copies: later steps do not alter it). */
export function snapshotTrainer(s: TrainerState): CheckpointData {
  const c = s.carried;
  return {
    model: { ...s.model.config },
    tokenizer: s.tokenizer.toJSON(),
    params: paramsStateDict(charLMParams(s.model)),
    training: {
      config: structuredClone(s.config),
      step: s.step,
      windowsPerEpoch: s.split.train.windows,
      optimizer: s.optimizer.getState(),
      rngState: s.rng.state,
      carried: c ? (c.c ? { h: named(c.h), c: named(c.c) } : { h: named(c.h) }) : undefined,
      initialLoss: s.initialLoss,
      bestValLoss: s.bestValLoss,
      bestStep: s.bestStep,
      interval: { ...s.interval },
      history: s.history.map((e) => ({ ...e })),
      elapsedSeconds: s.elapsedSeconds,
    },
  };
}
