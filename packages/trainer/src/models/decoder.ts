import {
  applyLinear,
  type CellType,
  createEmbedding,
  createLinear,
  createRecurrent,
  dropout,
  type Embedding,
  embed,
  type InitOptions,
  type Linear,
  type Recurrent,
  type RecurrentState,
  recurrentParams,
  runRecurrent,
} from '@rnnkit/cells';
import type * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { tidyResult } from './tidy-result.js';

/** A token decoder: embedding → stacked cells → linear, fed its previous token at each step. */
export interface DecoderConfig {
  vocabSize: number;
  cell?: CellType; // default 'lstm'
  hiddenSize: number;
  numLayers?: number; // default 1
  embeddingDim?: number; // default hiddenSize
  /** Dropout on the embeddings and on the cells' outputs (before the linear) in training. */
  dropout?: number;
}

export interface Decoder {
  readonly config: Required<DecoderConfig>;
  readonly embedding: Embedding;
  readonly rnn: Recurrent;
  readonly fc: Linear;
}

/** Training-time options shared by the sequence helpers: dropout is on only with both. */
export interface TrainingOptions {
  training?: boolean;
  /** Uniform [0, 1) source for the dropout masks, e.g. `createRng(seed)`. */
  rng?: () => number;
}

/**
 * Creates a decoder (the "many" side of one-to-many and of an encoder-decoder).
 *
 * @example
 * ```ts
 * const dec = createDecoder({ vocabSize: 12, hiddenSize: 32, cell: 'gru' }, { seed: 1 });
 * ```
 */
export function createDecoder(config: DecoderConfig, options: InitOptions = {}): Decoder {
  const full: Required<DecoderConfig> = {
    cell: 'lstm',
    numLayers: 1,
    embeddingDim: config.hiddenSize,
    dropout: 0,
    ...config,
  };
  checkSizes(full, ['vocabSize', 'hiddenSize', 'numLayers', 'embeddingDim']);
  checkRate(full.dropout);
  const seed = options.seed ?? 0;
  const { cell, hiddenSize, numLayers, embeddingDim, vocabSize } = full;
  return {
    config: full,
    embedding: createEmbedding(vocabSize, embeddingDim, { ...options, seed }),
    rnn: createRecurrent(
      { cell, inputSize: embeddingDim, hiddenSize, numLayers },
      { ...options, seed: seed + 1 },
    ),
    fc: createLinear(hiddenSize, vocabSize, { ...options, seed: seed + 2 }),
  };
}

/** Variables by name: `embedding.weight`, `rnn.weight_ih_l0`, …, `fc.weight`, `fc.bias`. */
export function decoderParams(dec: Decoder, prefix = ''): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {
    [`${prefix}embedding.weight`]: dec.embedding.weight,
  };
  for (const [name, v] of Object.entries(recurrentParams(dec.rnn)))
    params[`${prefix}rnn.${name}`] = v;
  params[`${prefix}fc.weight`] = dec.fc.weight;
  params[`${prefix}fc.bias`] = dec.fc.bias;
  return params;
}

/**
 * Teacher forcing: the logits of every step given the true previous tokens,
 *
 *   logits[b, t] = fc(rnn(E[inputs[b, ≤t]], state))   inputs = [start, y_0, …, y_{T-2}]
 *
 * @example
 * ```ts
 * const { logits } = decoderLogits(dec, inputs, state, { seqLengths }); // [B, T, V]
 * const loss = sequenceLoss(logits, targets, lengthMask(seqLengths, T));
 * ```
 */
export function decoderLogits(
  dec: Decoder,
  inputs: tf.Tensor2D, // [B, T] int32
  initialState: RecurrentState | undefined,
  options: TrainingOptions & { seqLengths?: ArrayLike<number> } = {},
): { logits: tf.Tensor3D; state: RecurrentState } {
  return tidyResult(() => {
    const drop = trainingDropout(dec.config.dropout, options);
    const x = drop(embed(dec.embedding, inputs)) as tf.Tensor3D; // [B, T, D]
    const run = runRecurrent(dec.rnn, x, { initialState, seqLengths: options.seqLengths });
    const logits = applyLinear(dec.fc, drop(run.outputs)) as tf.Tensor3D; // [B, T, V]
    return { logits, state: run.state };
  });
}

/** `dropout(·, rate)` when training with an rng, the identity otherwise. */
export function trainingDropout(
  rate: number,
  options: TrainingOptions,
): (x: tf.Tensor) => tf.Tensor {
  if (options.training !== true || rate === 0) return (x) => x;
  const rng = options.rng;
  if (rng == null) {
    throw new ConfigError(
      'Training with dropout needs `rng` (e.g. createRng(seed)) for the masks.',
    );
  }
  return (x) => dropout(x, { rate, rng });
}

export function checkSizes<T extends object>(config: T, keys: (keyof T)[]): void {
  for (const key of keys) {
    const v = config[key] as unknown as number;
    if (!Number.isInteger(v) || v < 1) {
      throw new ConfigError(`${String(key)} must be a whole number >= 1, got ${String(v)}.`);
    }
  }
}

export function checkRate(rate: number): void {
  if (!(rate >= 0 && rate < 1))
    throw new ConfigError(`dropout must be in [0, 1), got ${String(rate)}.`);
}
