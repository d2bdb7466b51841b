import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './cell/activations.js';
import type { CellType } from './cell/cell-type.js';
import { type CustomRecurrent, isCustomRecurrent } from './cell/custom-cell.js';

export interface RecurrentConfig {
  cell: CellType;
  /** I: features per time step of the input. */
  inputSize: number;
  /** H: units per layer. */
  hiddenSize: number;
  /** L: stacked layers; layer l + 1 reads layer l's output sequence. Default 1. */
  numLayers?: number;
  /**
   * Keras `activation`: the cell's output nonlinearity (rnn's h, LSTM's g and c→h, GRU's n).
   * Default `'tanh'` (PyTorch). Others run on cpu and wasm, outside the default fused steps.
   */
  activation?: Activation;
  /**
   * Keras `recurrent_activation`: LSTM's i, f, o and GRU's r, z gates. Default `'sigmoid'`
   * (PyTorch, Keras 2.x TF2 and 3); tfjs-layers defaults to `'hardSigmoid'`.
   */
  recurrentActivation?: Activation;
  /**
   * GRU only: `true` (default) applies the reset gate after the recurrent matmul, as PyTorch
   * and Keras TF2's `GRU(reset_after=True)`; `false` before it, as Keras' `reset_after=False`
   * and tfjs-layers' GRU: `n = act(x W_in^T + b_in + b_hn + (r * h) W_hn^T)`, so `b_hn` acts
   * like an input bias (Keras' one bias lands in `bias_ih`). cpu and wasm.
   */
  resetAfter?: boolean;
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
  /** Activations are optional here so that hand-built stacks of older code stay valid. */
  readonly config: Required<
    Omit<RecurrentConfig, 'activation' | 'recurrentActivation' | 'resetAfter'>
  > &
    Pick<RecurrentConfig, 'activation' | 'recurrentActivation' | 'resetAfter'>;
  readonly layers: readonly RecurrentLayer[];
}

/** Per-layer states, layer 0 (the one reading the input) first, as in PyTorch. */
export interface RecurrentState {
  h: tf.Tensor3D; // [L, B, H]
  /** LSTM only: the cell state. */
  c?: tf.Tensor3D; // [L, B, H]
}

/**
 * The network's variables under their PyTorch `state_dict` names (`weight_ih_l0`,
 * `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `_l1`, ...), e.g. for an optimizer or for
 * matching gradients from `tf.variableGrads` by name.
 *
 * @example
 * ```ts
 * const params = recurrentParams(rnn);
 * Object.keys(params); // ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
 * ```
 */
export function recurrentParams(rec: Recurrent | CustomRecurrent): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  if (isCustomRecurrent(rec)) {
    rec.layers.forEach((layer, l) => {
      for (const [name, v] of Object.entries(layer)) params[`${name}_l${l}`] = v;
    });
    return params;
  }
  rec.layers.forEach((layer, l) => {
    params[`weight_ih_l${l}`] = layer.weightIh;
    params[`weight_hh_l${l}`] = layer.weightHh;
    params[`bias_ih_l${l}`] = layer.biasIh;
    params[`bias_hh_l${l}`] = layer.biasHh;
  });
  return params;
}

/**
 * All-zero initial state for a batch of `batch` sequences (`c` too for LSTM and custom cells
 * with state `'hc'`).
 *
 * @example
 * ```ts
 * const s = zeroState(lstm, 8); // s.h, s.c: [L, 8, H]
 * ```
 */
export function zeroState(rec: Recurrent | CustomRecurrent, batch: number): RecurrentState {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new ShapeError(`zeroState: batch must be a whole number >= 1, got ${String(batch)}.`);
  }
  const { numLayers, hiddenSize } = rec.config;
  const shape: [number, number, number] = [numLayers, batch, hiddenSize];
  return hasCellState(rec) ? { h: tf.zeros(shape), c: tf.zeros(shape) } : { h: tf.zeros(shape) };
}

/**
 * Frees the network's variables; the network must not be used afterwards.
 *
 * @example
 * ```ts
 * disposeRecurrent(rnn);
 * ```
 */
export function disposeRecurrent(rec: Recurrent | CustomRecurrent): void {
  tf.dispose(Object.values(recurrentParams(rec)));
}

/** Whether the state holds `c` besides `h`: LSTM, or a custom cell with state `'hc'`. */
export function hasCellState(rec: Recurrent | CustomRecurrent): boolean {
  return isCustomRecurrent(rec) ? rec.config.cell.state === 'hc' : rec.config.cell === 'lstm';
}
