import { RnnkitError } from '@rnnkit/core';

/**
 * Thrown for an invalid option: a value outside its valid range (the message gives the range),
 * an unknown option key, or an unknown optimizer name (the message lists the known ones).
 */
export class OptionError extends RnnkitError {
  override readonly name = 'OptionError';
  override readonly code = 'option';
}

/**
 * Thrown by `applyGradients` when a gradient is named after no parameter: the gradient would be
 * silently dropped, which almost always means the two maps were built from different models.
 */
export class GradientNameError extends RnnkitError {
  override readonly name = 'GradientNameError';
  override readonly code = 'gradient-name';
}

/**
 * Thrown by `setState` when a saved optimizer state does not fit the optimizer (another
 * optimizer's state, a missing or unknown slot, a slot whose length does not match its shape),
 * and by `applyGradients` when a restored slot's shape differs from its parameter's.
 * Most often the checkpoint was saved from a model with a different configuration.
 */
export class OptimizerStateError extends RnnkitError {
  override readonly name = 'OptimizerStateError';
  override readonly code = 'optimizer-state';
}

/**
 * Thrown by `checkTargets` for a target id outside `[0, numClasses)`: the model's output size
 * and the tokenizer's vocabulary size disagree, or padding used an out-of-range id.
 */
export class TargetRangeError extends RnnkitError {
  override readonly name = 'TargetRangeError';
  override readonly code = 'target-range';
}
