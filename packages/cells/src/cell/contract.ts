import type { Buf } from '@rnnkit/core/kernels';
import type * as tf from '@tensorflow/tfjs-core';

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
  /**
   * One step from the two projections taken apart, `gi = x W_ih^T + b_ih` and
   * `gh = hIn W_hh^T + b_hh`, in plain tfjs ops left to the tape (their kernel gradients, not
   * the runner's BPTT): variational dropout masks `hIn`, the h fed to `W_hh`, while GRU's carry
   * `z * h` keeps the true `h`.
   */
  tapedStep(
    gi: tf.Tensor, // [B, G*H]
    gh: tf.Tensor, // [B, G*H]
    h: tf.Tensor, // [B, H]
    c: tf.Tensor | undefined,
  ): { h: tf.Tensor; c?: tf.Tensor };
}

/** One forward step of a fused cell, every Buf pointing at this step's rows. */
export interface ForwardIO {
  batch: number;
  hidden: number;
  mm: Buf; // [B, G*H] h_prev W_hh^T
  xp: Buf; // [B, G*H] x W_ih^T + input bias
  bias: Buf | undefined; // [G*H] b_hh, GRU only (added after the reset gate)
  h: Buf; // [B, H] previous state
  c: Buf | undefined; // [B, H] LSTM only
  hNext: Buf; // [B, H] carried state
  cNext: Buf | undefined;
  out: Buf; // [B, H] output (0 past the length)
  cache: Buf; // [B, K*H] what backward needs
  on: Buf | undefined; // [B] 1 while the step is valid, 0 past the length
  /** Masked steps output the previous state (Keras) instead of 0; only in `activated.ts`. */
  carry?: boolean;
}

/** One backward step; `dh`/`dc` hold d/d(state after the step) and receive d/d(state before). */
export interface BackwardIO {
  batch: number;
  hidden: number;
  dh: Buf; // [B, H] in: from the next step; out: the part of dh_prev not through W_hh
  dc: Buf | undefined; // [B, H] in/out, LSTM only
  dOut: Buf; // [B, H]
  cache: Buf;
  h: Buf; // [B, H] previous state
  c: Buf | undefined;
  on: Buf | undefined;
  dGx: Buf; // [B, G*H] d/d input projection
  dGh: Buf; // [B, G*H] d/d recurrent projection (the matMul's left operand next)
  dGhRows: Buf | undefined; // [B, G*H] GRU only: dGh kept for dW_hh, db_hh
  /** As in `ForwardIO`: a masked step's output was the previous state, so dOut reaches it. */
  carry?: boolean;
}

/**
 * A cell's per-step arithmetic on raw float32 data: what `CellMath` does with a dozen tfjs
 * ops per step, here one pass over `[B, H]` in JS (per-op dispatch, not arithmetic, is what
 * an RNN step costs at these sizes). Same equations, float64 in between.
 */
export interface FusedCell {
  /** Cache row width in units of H. */
  cacheWidth: number;
  forward(io: ForwardIO): void;
  backward(io: BackwardIO): void;
}
