import { RnnkitError } from '@rnnkit/core';
/**
 * Thrown when weights cannot move exactly between rnnkit (PyTorch layout) and Keras /
 * tfjs-layers layout: wrong shapes or layer count, or a GRU that the reset-before variant
 * (the only GRU tfjs-layers has) cannot express. The message says which layer and what to do.
 */
export class KerasLayoutError extends RnnkitError {
  override readonly name = 'KerasLayoutError';
  override readonly code = 'keras-layout';
}
