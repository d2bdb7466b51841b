import type * as tf from '@tensorflow/tfjs-core';
import type { OptimizerConfig, OptimizerName } from './optimizer.js';

/** A parameter's slot variables by slot name, as an optimizer keeps them between steps. */
export type SlotVariables = Record<string, tf.Variable>;

/** A parameter's slot tensors (moments, momentum buffers) by slot name. */
export type SlotTensors = Record<string, tf.Tensor>;

/** One parameter's step: its new value and its new slots, same names and shapes. */
export type ParamUpdate = (
  param: tf.Tensor,
  grad: tf.Tensor,
  slots: SlotTensors,
) => { param: tf.Tensor; slots: SlotTensors };

/**
 * What makes one optimizer differ from another; `createSlotOptimizer` supplies the bookkeeping
 * (slot variables, validation, state, memory) shared by all of them.
 */
export interface UpdateRule<C extends OptimizerConfig> {
  name: OptimizerName;
  /** Validates options from a caller or a checkpoint and fills in defaults; throws OptionError. */
  parse(options: object): C;
  /** The slots each parameter needs under `config`, created as zeros on first use. */
  slotNames(config: C): readonly string[];
  /**
   * The update for step `t` (1-based). Called once per step inside `tf.tidy`, so scalars that
   * depend only on `t` and `config` are made once and shared by every parameter.
   */
  step(config: C, t: number): ParamUpdate;
}
