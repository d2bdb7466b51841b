import type * as tf from '@tensorflow/tfjs-core';

/** The optimizers `createOptimizer` knows, in the order its error messages list them. */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Every option of an optimizer with its defaults filled in; plain numbers and booleans. */
export type OptimizerConfig = { learningRate: number } & Record<string, number | boolean>;

/**
 * An optimizer's complete state: restoring it with `setState` continues a run exactly as if it
 * had never stopped. Plain data (numbers, booleans, arrays, Float32Arrays), no tensors.
 */
export interface OptimizerState {
  /** Which optimizer saved it; `setState` of another optimizer refuses it. */
  name: OptimizerName;
  /** Steps taken so far (Adam's bias corrections depend on it). */
  iterations: number;
  /** Every option, including the learning rate in effect when the state was taken. */
  config: OptimizerConfig;
  /** Slot values (`m`, `v`, `momentum`, …) by parameter name then slot name, row-major. */
  slots: Record<string, Record<string, Float32Array>>;
  /** The shape of every parameter in `slots`. */
  shapes: Record<string, number[]>;
}

/**
 * Updates named parameters from named gradients. Slots (moments, momentum buffers) are
 * created on first use for each parameter name.
 */
export interface Optimizer {
  readonly name: OptimizerName;
  /** Settable between steps, e.g. by a learning-rate schedule. */
  learningRate: number;
  /** Steps taken, i.e. calls of `applyGradients`. */
  readonly iterations: number;
  /**
   * One step. Every gradient must be named after a parameter of the same shape; parameters
   * without a gradient are left alone. Throws before changing anything when a check fails.
   */
  applyGradients(params: Record<string, tf.Variable>, grads: Record<string, tf.Tensor>): void;
  /** A copy of the state, for checkpoints. */
  getState(): OptimizerState;
  /** Replaces the state (config, iterations and slots) after validating all of it. */
  setState(state: OptimizerState): void;
  /** Frees the slot variables; the optimizer cannot be used afterwards. */
  dispose(): void;
}
