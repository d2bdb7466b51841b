import {
  dropout,
  embed,
  oneHot,
  type Recurrent,
  type RecurrentState,
  runRecurrent,
} from '@rnnkit/cells';
import { dropoutMask } from '@rnnkit/core';
import type { Optimizer } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { type CharLM, charLMParams, headLoss } from '../models/char-lm.js';
import { minimize } from './minimize-step.js';
import type { TrainStepOptions, TrainStepResult } from './train-step.js';

export interface DropoutStepOptions extends TrainStepOptions {
  /** Probability of zeroing each output of every layer but the last, in [0, 1). */
  dropout: number;
  /** Uniform [0, 1) draws for the masks, so a seeded run repeats (and resumes) exactly. */
  random: () => number;
  /** Masks drawn already (one per layer but the last, `[B, T, H]`); then `random` is unused. */
  masks?: Float32Array[];
}

/**
 * `trainStep` with dropout between stacked layers, as PyTorch's `nn.LSTM(dropout=p)`: each
 * layer runs on its own (the stack is plain data, so one layer is a view of it) and the
 * outputs of every layer but the last are multiplied by an inverted-dropout mask drawn from
 * `random`. Only for training; evaluation and sampling use the whole stack without dropout.
 *
 * @example
 * ```ts
 * const rng = createRng(0);
 * const r = dropoutTrainStep(model, optimizer, x, y, { dropout: 0.25, random: rng });
 * ```
 */
export function dropoutTrainStep(
  model: CharLM,
  optimizer: Optimizer,
  x: tf.Tensor2D, // [B, T] int32
  y: tf.Tensor2D, // [B, T] int32
  options: DropoutStepOptions,
): TrainStepResult {
  const params = charLMParams(model);
  const { hiddenSize, numLayers } = model.rnn.config;
  const [B, T] = x.shape;
  // Masks are drawn before the tape runs, in a fixed order, so the draws repeat exactly.
  const masks =
    options.masks ??
    Array.from({ length: numLayers - 1 }, () =>
      dropoutMask(B * T * hiddenSize, options.dropout, options.random),
    );
  const hs: tf.Tensor3D[] = [];
  const cs: tf.Tensor3D[] = [];
  const { loss, gradNorm } = minimize(
    params,
    optimizer,
    () => dropoutLoss(model, x, y, { ...options, masks }, hs, cs),
    options,
  );
  const h = tf.concat(hs, 0) as tf.Tensor3D; // [L, B, H]
  const c = cs.length > 0 ? (tf.concat(cs, 0) as tf.Tensor3D) : undefined;
  tf.dispose([...hs, ...cs]); // kept past the tape's scope above, so freed by hand
  return { loss, gradNorm, state: c ? { h, c } : { h } };
}

/**
 * The loss of one dropout forward pass with the given masks (one per layer but the last,
 * `[B, T, H]` row-major), keeping each layer's final state in `hs` / `cs` (caller frees).
 * Runs inside a gradient tape; the data-parallel trainer calls it on each worker's streams.
 */
export function dropoutLoss(
  model: CharLM,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  options: {
    dropout: number;
    masks: Float32Array[];
    initialState?: RecurrentState;
    weights?: tf.Tensor2D;
  },
  hs: tf.Tensor3D[],
  cs: tf.Tensor3D[],
): tf.Scalar {
  const { cell, hiddenSize, numLayers, inputSize } = model.rnn.config;
  let seq = model.embedding ? embed(model.embedding, x) : oneHot(x, model.config.vocabSize);
  for (let l = 0; l < numLayers; l++) {
    const layer: Recurrent = {
      config: { cell, inputSize: l === 0 ? inputSize : hiddenSize, hiddenSize, numLayers: 1 },
      layers: [model.rnn.layers[l] as Recurrent['layers'][number]],
    };
    const init = options.initialState && layerState(options.initialState, l);
    // One-hot characters (layer 0 without an embedding) are data: no gradient to compute.
    const inputGradient = l > 0 || model.embedding !== undefined;
    const run = runRecurrent(layer, seq, { initialState: init, inputGradient }); // [B, T, H]
    hs.push(tf.keep(run.state.h));
    if (run.state.c) cs.push(tf.keep(run.state.c));
    const mask = options.masks[l];
    seq = mask
      ? (dropout(run.outputs, { rate: options.dropout, mask }) as tf.Tensor3D)
      : run.outputs;
  }
  return headLoss(model.fc, seq, y, options.weights); // the head and the loss, fused on cpu/wasm
}

function layerState(s: RecurrentState, l: number): RecurrentState {
  const h = tf.slice(s.h, [l, 0, 0], [1, -1, -1]) as tf.Tensor3D;
  return s.c ? { h, c: tf.slice(s.c, [l, 0, 0], [1, -1, -1]) as tf.Tensor3D } : { h };
}
