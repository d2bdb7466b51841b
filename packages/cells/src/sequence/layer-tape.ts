import type * as tf from '@tensorflow/tfjs-core';

// What a layer's forward pass hands its backward pass, the same on both paths: tfjs ops step
// by step (run-layer.ts, backprop-layer.ts) and the fused kernels (run-layer-fused.ts,
// backprop-layer-fused.ts).

/** One layer's parameters as plain tensors (the runner's view of a `RecurrentLayer`). */
export interface LayerWeights {
  weightIh: tf.Tensor2D; // [G*H, I]
  weightHh: tf.Tensor2D; // [G*H, H]
  biasIh: tf.Tensor1D; // [G*H]
  biasHh: tf.Tensor1D; // [G*H]
}

/**
 * What the backward pass of one layer needs from its forward pass, stacked over time so that
 * `save()` keeps a few tensors per layer rather than a few per step (each saved tensor costs a
 * clone and a tape node).
 */
export interface LayerTape {
  x: tf.Tensor2D; // [T*B, I] the layer input, time-major
  /** h_0 ... h_{T-1}: the state each step starts from (carried unchanged past each length). */
  hPrev: tf.Tensor2D; // [T*B, H]
  cPrev?: tf.Tensor2D; // [T*B, H], LSTM only, likewise
  cache: tf.Tensor2D[]; // per slot of the cell's step cache: [T*B, ·]
  weightIh: tf.Tensor2D;
  weightHh: tf.Tensor2D;
}

/** Gradients of one layer: its input, its initial state and its four parameters. */
export interface LayerGrads {
  dx: tf.Tensor2D; // [T*B, I], time-major
  dh0: tf.Tensor2D; // [B, H]
  dc0?: tf.Tensor2D; // [B, H], LSTM only
  dWeightIh: tf.Tensor2D; // [G*H, I]
  dWeightHh: tf.Tensor2D; // [G*H, H]
  dBiasIh: tf.Tensor1D; // [G*H]
  dBiasHh: tf.Tensor1D; // [G*H]
}

/** One layer's forward pass: its outputs, final state and tape. */
export interface LayerRun {
  outputs: tf.Tensor3D; // [T, B, H]
  hLast: tf.Tensor2D; // [B, H]
  cLast?: tf.Tensor2D; // [B, H], LSTM only
  tape: LayerTape;
}
