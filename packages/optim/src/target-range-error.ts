import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown by `checkTargets` for a target id outside `[0, numClasses)`: the model's output size
 * and the tokenizer's vocabulary size disagree, or padding used an out-of-range id.
 */
export class TargetRangeError extends RnnkitError {
  override readonly name = 'TargetRangeError';
  override readonly code = 'target-range';
}
