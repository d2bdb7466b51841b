import { RnnkitError } from '@rnnkit/core';
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
