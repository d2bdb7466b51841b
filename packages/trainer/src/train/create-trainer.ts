import { createRng } from '@rnnkit/core';
import { createOptimizer } from '@rnnkit/optim';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { splitText } from '../data/split-text.js';
import { ConfigError, TrainingDataError } from '../errors.js';
import { createCharLM } from '../models/char-lm.js';
import { resolveTrainConfig, type TrainOptions } from './train-config.js';
import { type Trainer, trainerFromState } from './trainer.js';

/** The training RNG starts from the seed offset by a constant, apart from the init draws. */
export const trainingRngSeed = (seed: number) => (seed + 0x9e3779b9) >>> 0;

/**
 * Starts a training run on a text: builds the vocabulary from it (sorted code points), cuts it
 * into B streams of windows of T with the validation part from its end, and creates a seeded
 * model and optimizer. Throws `ConfigError` for a bad option and `TrainingDataError` for text
 * too short for one batch, before allocating anything.
 *
 * @example
 * ```ts
 * const trainer = createTrainer(text, { hiddenSize: 256, steps: 2000, evalEvery: 200 });
 * for await (const e of trainer.run({ signal })) {
 *   if (e.type === 'eval') console.log(e.step, e.valLoss, e.sample);
 * }
 * const artifacts = serializeCheckpoint(trainer.checkpoint());
 * trainer.dispose();
 * ```
 */
export function createTrainer(text: string, options: TrainOptions = {}): Trainer {
  const checked = resolveTrainConfig(options, 1);
  if (checked.dropout > 0 && checked.numLayers < 2) {
    throw new ConfigError(
      `dropout acts between stacked layers, and there is 1 layer: set numLayers >= 2, or dropout 0.`,
    );
  }
  if (text.length === 0)
    throw new TrainingDataError('The text is empty: give some text to train on.');
  const tokenizer = CharTokenizer.fromText(text);
  const split = splitText(tokenizer.encode(text), checked);
  const config = resolveTrainConfig(options, split.train.windows);
  const model = createCharLM(
    {
      vocabSize: tokenizer.vocabSize,
      cell: config.cell,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
    },
    { seed: config.seed },
  );
  return trainerFromState({
    model,
    tokenizer,
    optimizer: createOptimizer(config.optimizer, { learningRate: config.learningRate }),
    split,
    config,
    step: 0,
    rng: createRng(trainingRngSeed(config.seed)),
    initialLoss: null,
    bestValLoss: null,
    bestStep: null,
    interval: { lossSum: 0, steps: 0 },
    history: [],
    elapsedSeconds: 0,
    diverged: false,
  });
}
