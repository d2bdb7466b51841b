import type * as tf from '@tensorflow/tfjs-core';
import type { CellType } from './cell/cell-type.js';

export interface RecurrentConfig {
  cell: CellType;
  /** I: features per time step of the input. */
  inputSize: number;
  /** H: units per layer. */
  hiddenSize: number;
  /** L: stacked layers; layer l + 1 reads layer l's output sequence. Default 1. */
  numLayers?: number;
}

/**
 * One layer's parameters in PyTorch layout: G = 1 (rnn), 4 (lstm, gate blocks i, f, g, o) or
 * 3 (gru, gate blocks r, z, n) row blocks of H rows each; `I_l` = I for layer 0, H above.
 */
export interface RecurrentLayer {
  weightIh: tf.Variable; // [G*H, I_l]
  weightHh: tf.Variable; // [G*H, H]
  biasIh: tf.Variable; // [G*H]
  biasHh: tf.Variable; // [G*H]
}

/** A stack of recurrent layers: plain data, run with `runRecurrent` / `stepRecurrent`. */
export interface Recurrent {
  readonly config: Required<RecurrentConfig>;
  readonly layers: readonly RecurrentLayer[];
}

/** Per-layer states, layer 0 (the one reading the input) first, as in PyTorch. */
export interface RecurrentState {
  h: tf.Tensor3D; // [L, B, H]
  /** LSTM only: the cell state. */
  c?: tf.Tensor3D; // [L, B, H]
}
