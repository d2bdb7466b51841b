import {
  applyLinear,
  type CellType,
  createEmbedding,
  createLinear,
  createRecurrent,
  type Embedding,
  embed,
  type InitOptions,
  isCellType,
  type Linear,
  linearSequenceLoss,
  oneHot,
  type Recurrent,
  type RecurrentState,
  recurrentParams,
  runRecurrent,
} from '@rnnkit/cells';
import { kernelBackend } from '@rnnkit/core/kernels';
import { sequenceLoss } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { tidyResult } from './tidy-result.js';

/** How a character language model is built. */
export interface CharLMConfig {
  vocabSize: number;
  /** Recurrent cell; default `'lstm'`. */
  cell?: CellType;
  /** Hidden units per layer; default 128. */
  hiddenSize?: number;
  /** Stacked recurrent layers; default 1. */
  numLayers?: number;
  /**
   * How characters enter the network: `'onehot'` (default, as in the lecture) or a learned
   * `'embedding'` (computed as one-hot · E, which trains on every backend).
   */
  input?: 'onehot' | 'embedding';
  /** Embedding width when `input` is `'embedding'`; default `hiddenSize`. */
  embeddingDim?: number;
}

/**
 * tokenizer ids → one-hot or embedding → stacked recurrent cells → linear → logits.
 * Parameter names follow a PyTorch module with `rnn`, `fc` and `embedding` children.
 */
export interface CharLM {
  readonly config: Required<CharLMConfig>;
  readonly rnn: Recurrent;
  readonly fc: Linear;
  readonly embedding?: Embedding;
}

/**
 * Creates a character language model with seeded initial weights.
 *
 * @example
 * ```ts
 * const model = createCharLM({ vocabSize: 5, cell: 'lstm', hiddenSize: 5 }, { seed: 1 });
 * ```
 */
export function createCharLM(config: CharLMConfig, options: InitOptions = {}): CharLM {
  const full = resolveConfig(config);
  const seed = options.seed ?? 0;
  const inputSize = full.input === 'embedding' ? full.embeddingDim : full.vocabSize;
  const rnn = createRecurrent(
    { cell: full.cell, inputSize, hiddenSize: full.hiddenSize, numLayers: full.numLayers },
    { ...options, seed },
  );
  const fc = createLinear(full.hiddenSize, full.vocabSize, { ...options, seed: seed + 1 });
  const embedding =
    full.input === 'embedding'
      ? createEmbedding(full.vocabSize, full.embeddingDim, { ...options, seed: seed + 2 })
      : undefined;
  return { config: full, rnn, fc, embedding };
}

function resolveConfig(config: CharLMConfig): Required<CharLMConfig> {
  const hiddenSize = config.hiddenSize ?? 128;
  const full: Required<CharLMConfig> = {
    vocabSize: config.vocabSize,
    cell: config.cell ?? 'lstm',
    hiddenSize,
    numLayers: config.numLayers ?? 1,
    input: config.input ?? 'onehot',
    embeddingDim: config.embeddingDim ?? hiddenSize,
  };
  for (const key of ['vocabSize', 'hiddenSize', 'numLayers', 'embeddingDim'] as const) {
    if (!Number.isInteger(full[key]) || full[key] < 1) {
      throw new ConfigError(`${key} must be a positive integer, got ${String(full[key])}.`);
    }
  }
  if (!isCellType(full.cell)) {
    throw new ConfigError(`cell must be one of rnn, lstm, gru, got '${String(full.cell)}'.`);
  }
  if (full.input !== 'onehot' && full.input !== 'embedding') {
    throw new ConfigError(`input must be 'onehot' or 'embedding', got '${String(full.input)}'.`);
  }
  return full;
}

/** Every trainable variable by PyTorch-style name (`rnn.weight_ih_l0`, `fc.weight`, …). */
export function charLMParams(model: CharLM): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  if (model.embedding) params['embedding.weight'] = model.embedding.weight;
  for (const [name, v] of Object.entries(recurrentParams(model.rnn))) params[`rnn.${name}`] = v;
  params['fc.weight'] = model.fc.weight;
  params['fc.bias'] = model.fc.bias;
  return params;
}

/** Logits for every step of a batch of id sequences, and the final recurrent state. */
export function charLMLogits(
  model: CharLM,
  ids: tf.Tensor2D, // [B, T] int32
  initialState?: RecurrentState,
): { logits: tf.Tensor3D; state: RecurrentState } {
  return tidyResult(() => {
    const { outputs, state } = charLMOutputs(model, ids, initialState); // [B, T, H]
    const logits = applyLinear(model.fc, outputs) as tf.Tensor3D; // [B, T, V]
    return { logits, state };
  });
}

/**
 * The mean cross-entropy of a batch, `sequenceLoss(charLMLogits(model, ids).logits, targets,
 * weights)`, and the final recurrent state. On cpu and wasm the head and the loss run as one
 * fused op (`linearSequenceLoss`: no logits tensor, no transposes); elsewhere as the two ops.
 *
 * @example
 * ```ts
 * const { loss, state } = charLMLoss(model, x, y); // scalar nats per character
 * ```
 */
export function charLMLoss(
  model: CharLM,
  ids: tf.Tensor2D, // [B, T] int32
  targets: tf.Tensor2D, // [B, T] int32
  initialState?: RecurrentState,
  weights?: tf.Tensor2D, // [B, T]
): { loss: tf.Scalar; state: RecurrentState } {
  return tidyResult(() => {
    const { outputs, state } = charLMOutputs(model, ids, initialState); // [B, T, H]
    return { loss: headLoss(model.fc, outputs, targets, weights), state };
  });
}

/**
 * `sequenceLoss(applyLinear(fc, outputs), targets, weights)`: on cpu and wasm as the one fused
 * op `linearSequenceLoss`, elsewhere as the two.
 */
export function headLoss(
  fc: Linear,
  outputs: tf.Tensor3D, // [B, T, H]
  targets: tf.Tensor2D, // [B, T] int32
  weights?: tf.Tensor2D,
): tf.Scalar {
  return kernelBackend() == null
    ? sequenceLoss(applyLinear(fc, outputs) as tf.Tensor3D, targets, weights)
    : linearSequenceLoss(fc, outputs, targets, weights);
}

/** The top layer's outputs `[B, T, H]` for a batch of ids, and the final state. */
function charLMOutputs(
  model: CharLM,
  ids: tf.Tensor2D,
  initialState: RecurrentState | undefined,
): { outputs: tf.Tensor3D; state: RecurrentState } {
  const x = model.embedding
    ? embed(model.embedding, ids) // [B, T, E]
    : oneHot(ids, model.config.vocabSize); // [B, T, V]
  // One-hot input is data made here: the first layer need not compute its gradient.
  const inputGradient = model.embedding !== undefined;
  return runRecurrent(model.rnn, x, { initialState, inputGradient });
}

/** Frees every variable of the model. */
export function disposeCharLM(model: CharLM): void {
  tf.dispose(Object.values(charLMParams(model)));
}
