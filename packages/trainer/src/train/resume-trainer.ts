import { createRng } from '@rnnkit/core';
import { createOptimizer, type Optimizer } from '@rnnkit/optim';
import { UnknownCharacterError } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { splitText } from '../data/split-text.js';
import { CheckpointError, TrainingDataError } from '../errors.js';
import type { CheckpointData } from '../files/checkpoint-data.js';
import { loadCharLM } from '../files/load-char-lm.js';
import { disposeCharLM } from '../models/char-lm.js';
import { resolveTrainConfig, type TrainOptions } from './train-config.js';
import { type Trainer, trainerFromState } from './trainer.js';

/** What may change when a run resumes: how long it runs and how often it reports. */
export type ResumeOptions = Pick<TrainOptions, 'steps' | 'epochs' | 'evalEvery' | 'sampleLength'>;

/**
 * Continues a run from a checkpoint: weights, optimizer moments and step, learning-rate
 * schedule position, RNG state, data position and carried state all come back, so on the cpu
 * backend the losses continue exactly as if the run had never stopped. The text must use only
 * the checkpoint's characters (usually it is the same text).
 *
 * @example
 * ```ts
 * const trainer = resumeTrainer(text, deserializeCheckpoint(artifacts), { steps: 4000 });
 * for await (const e of trainer.run()) if (e.type === 'eval') console.log(e.valLoss);
 * ```
 */
export function resumeTrainer(
  text: string,
  checkpoint: CheckpointData,
  overrides: ResumeOptions = {},
): Trainer {
  const t = checkpoint.training;
  if (!t) {
    throw new CheckpointError(
      'This checkpoint holds a model but no training state, so it cannot be resumed: start a new run, or sample from it.',
    );
  }
  const { model, tokenizer } = loadCharLM(checkpoint);
  let optimizer: Optimizer | undefined;
  try {
    let ids: Int32Array;
    try {
      ids = tokenizer.encode(text);
    } catch (error) {
      if (!(error instanceof UnknownCharacterError)) throw error;
      throw new TrainingDataError(
        `The text has a character the checkpoint's vocabulary lacks: ${error.message.split(':')[0]}. Resume with the text the checkpoint was trained on, or start a new run without resuming.`,
      );
    }
    const split = splitText(ids, t.config);
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v != null));
    const base = defined.epochs != null ? { ...t.config, steps: undefined } : t.config;
    const config = resolveTrainConfig({ ...base, ...defined }, split.train.windows);
    optimizer = createOptimizer(t.optimizer.name);
    try {
      optimizer.setState(t.optimizer);
    } catch (error) {
      throw new CheckpointError(`Cannot resume: ${(error as Error).message}`);
    }
    const shape = [config.numLayers, config.batchSize, config.hiddenSize].join(',');
    const carried = t.carried && {
      h: tf.tensor3d(t.carried.h.data, t.carried.h.shape as [number, number, number]),
      c:
        t.carried.c && tf.tensor3d(t.carried.c.data, t.carried.c.shape as [number, number, number]),
    };
    if (carried && carried.h.shape.join(',') !== shape) {
      tf.dispose([carried.h, carried.c as tf.Tensor]);
      throw new CheckpointError(`Cannot resume: the carried state is not [${shape}].`);
    }
    return trainerFromState({
      model,
      tokenizer,
      optimizer,
      split,
      config,
      step: t.step,
      rng: createRng(t.rngState),
      carried: carried && (carried.c ? { h: carried.h, c: carried.c } : { h: carried.h }),
      initialLoss: t.initialLoss,
      bestValLoss: t.bestValLoss,
      bestStep: t.bestStep,
      interval: { ...t.interval },
      history: t.history.map((e) => ({ ...e })),
      elapsedSeconds: t.elapsedSeconds,
      diverged: false,
    });
  } catch (error) {
    optimizer?.dispose();
    disposeCharLM(model);
    throw error;
  }
}
