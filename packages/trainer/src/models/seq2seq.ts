import {
  type CellType,
  createEmbedding,
  createRecurrent,
  type Embedding,
  embed,
  type InitOptions,
  type Recurrent,
  type RecurrentState,
  recurrentParams,
  runRecurrent,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import {
  checkRate,
  checkSizes,
  createDecoder,
  type Decoder,
  decoderLogits,
  decoderParams,
  type TrainingOptions,
  trainingDropout,
} from './decoder.js';
import { tidyResult } from './tidy-result.js';

export interface Seq2SeqConfig {
  sourceVocab: number;
  targetVocab: number;
  cell?: CellType; // default 'lstm'
  hiddenSize: number;
  numLayers?: number; // default 1
  embeddingDim?: number; // default hiddenSize
  /** Dropout on embeddings and decoder outputs in training (default 0). */
  dropout?: number;
}

/**
 * An encoder-decoder (Sutskever et al. 2014): the encoder reads the source, and its final state
 * (each example's state after its own last step) is the decoder's initial state.
 */
export interface Seq2Seq {
  readonly config: Required<Seq2SeqConfig>;
  readonly sourceEmbedding: Embedding;
  readonly encoder: Recurrent;
  readonly decoder: Decoder;
}

/**
 * Creates an encoder-decoder with seeded weights; encoder and decoder share cell, width and depth
 * so that the encoder's state fits the decoder.
 *
 * @example
 * ```ts
 * const model = createSeq2Seq({ sourceVocab: 10, targetVocab: 12, hiddenSize: 64 }, { seed: 1 });
 * ```
 */
export function createSeq2Seq(config: Seq2SeqConfig, options: InitOptions = {}): Seq2Seq {
  const full: Required<Seq2SeqConfig> = {
    cell: 'lstm',
    numLayers: 1,
    embeddingDim: config.hiddenSize,
    dropout: 0,
    ...config,
  };
  checkSizes(full, ['sourceVocab', 'targetVocab', 'hiddenSize', 'numLayers', 'embeddingDim']);
  checkRate(full.dropout);
  const { cell, hiddenSize, numLayers, embeddingDim } = full;
  const seed = options.seed ?? 0;
  return {
    config: full,
    sourceEmbedding: createEmbedding(full.sourceVocab, embeddingDim, { ...options, seed }),
    encoder: createRecurrent(
      { cell, inputSize: embeddingDim, hiddenSize, numLayers },
      { ...options, seed: seed + 1 },
    ),
    decoder: createDecoder(
      {
        vocabSize: full.targetVocab,
        cell,
        hiddenSize,
        numLayers,
        embeddingDim,
        dropout: full.dropout,
      },
      { ...options, seed: seed + 2 },
    ),
  };
}

/** Variables by name: `encoder.embedding.weight`, `encoder.rnn.…`, `decoder.…`. */
export function seq2seqParams(model: Seq2Seq): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {
    'encoder.embedding.weight': model.sourceEmbedding.weight,
  };
  for (const [name, v] of Object.entries(recurrentParams(model.encoder)))
    params[`encoder.rnn.${name}`] = v;
  return { ...params, ...decoderParams(model.decoder, 'decoder.') };
}

/** Frees every variable. */
export function disposeSeq2Seq(model: Seq2Seq): void {
  tf.dispose(Object.values(seq2seqParams(model)));
}

/**
 * The encoder's final state for a padded batch of sources: each example's state after its own
 * last token (padding never reaches it). Feed it to `seq2seqLogits`, `greedyDecode` or
 * `beamSearch`.
 */
export function encode(
  model: Seq2Seq,
  source: tf.Tensor2D, // [B, S] int32
  sourceLengths?: ArrayLike<number>,
  options: TrainingOptions = {},
): RecurrentState {
  return tidyResult(() => {
    const drop = trainingDropout(model.config.dropout, options);
    const x = drop(embed(model.sourceEmbedding, source)) as tf.Tensor3D; // [B, S, D]
    return runRecurrent(model.encoder, x, { seqLengths: sourceLengths }).state;
  });
}

/**
 * Teacher-forced training logits: encode the source, then decode with the true previous target
 * tokens as input (`decoderInputs = [start, y_0, …]`).
 *
 * @example
 * ```ts
 * const logits = seq2seqLogits(model, src, srcLengths, decIn, { training: true, rng }); // [B, T, V]
 * const loss = sequenceLoss(logits, targets, lengthMask(targetLengths, T));
 * ```
 */
export function seq2seqLogits(
  model: Seq2Seq,
  source: tf.Tensor2D,
  sourceLengths: ArrayLike<number> | undefined,
  decoderInputs: tf.Tensor2D, // [B, T] int32
  options: TrainingOptions = {},
): tf.Tensor3D {
  return tf.tidy(() => {
    const state = encode(model, source, sourceLengths, options);
    return decoderLogits(model.decoder, decoderInputs, state, options).logits;
  });
}
