import type * as tf from '@tensorflow/tfjs-core';
import type { CellType } from '../recurrent.js';
import { gruCell } from './gru.js';
import { lstmCell } from './lstm.js';
import { rnnCell } from './rnn.js';

/** What one step of a cell computes, and what its backward pass needs later. */
export interface CellStep {
  h: tf.Tensor2D; // [B, H]
  c?: tf.Tensor2D; // [B, H], LSTM only
  /** Gate activations etc. saved for `backward`. */
  cache: tf.Tensor[];
}

/** Gradients of one step with respect to its pre-activations and its previous state. */
export interface CellGrads {
  /** d/d of the input projection `x W_ih^T + b_ih` (and of `b_hh` where it is folded in). */
  dGatesX: tf.Tensor2D; // [B, G*H]
  /** d/d of the recurrent projection `h W_hh^T + b_hh`: equal to dGatesX except for GRU's n block. */
  dGatesH: tf.Tensor2D; // [B, G*H]
  /** The part of d/dh_prev that does not flow through `W_hh` (GRU's `z * h`). */
  dhDirect?: tf.Tensor2D; // [B, H]
  /** d/dc_prev, LSTM only. */
  dcPrev?: tf.Tensor2D; // [B, H]
}

/**
 * The per-cell arithmetic. The sequence runner owns the matmuls over whole sequences and the
 * BPTT loop; a cell only says how gates combine in one step and how to differentiate that.
 */
export interface CellMath {
  /** Bias added once to the whole-sequence input projection. */
  inputBias(biasIh: tf.Tensor1D, biasHh: tf.Tensor1D): tf.Tensor1D; // [G*H]
  /** One step from the projected input `xp = x W_ih^T + inputBias` and the previous state. */
  step(
    xp: tf.Tensor2D, // [B, G*H]
    h: tf.Tensor2D, // [B, H]
    c: tf.Tensor2D | undefined,
    wHhT: tf.Tensor2D, // [H, G*H]
    biasHh: tf.Tensor1D, // [G*H]
  ): CellStep;
  /** Backward of `step`, given d/dh' and d/dc' of its new state, its cache and its inputs. */
  backward(
    dh: tf.Tensor2D, // [B, H]
    dc: tf.Tensor2D | undefined,
    cache: tf.Tensor[],
    h: tf.Tensor2D, // [B, H], previous state
    c: tf.Tensor2D | undefined,
  ): CellGrads;
}

const CELL_MATH: Record<CellType, CellMath> = { rnn: rnnCell, lstm: lstmCell, gru: gruCell };

/** The arithmetic of `cell`. */
export function cellMath(cell: CellType): CellMath {
  return CELL_MATH[cell];
}
