import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown by `applyGradients` when a gradient is named after no parameter: the gradient would be
 * silently dropped, which almost always means the two maps were built from different models.
 */
export class GradientNameError extends RnnkitError {
  override readonly name = 'GradientNameError';
  override readonly code = 'gradient-name';
}
