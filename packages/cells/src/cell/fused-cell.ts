import type { Buf } from '../kernels/memory.js';

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

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * tanh through one exp: V8's Math.tanh costs ~1.5× Math.exp and the LSTM step takes two per
 * unit. Exact to ~1e-16 absolute (1 - 2/(e^2x + 1)); ±1 and NaN come out right at the ends.
 */
export const tanh = (x: number): number => 1 - 2 / (Math.exp(2 * x) + 1);
