import * as tf from '@tensorflow/tfjs-core';

/**
 * `tf.tidy` for functions returning typed objects of tensors (such as a recurrent state, whose
 * interface tfjs's `TensorContainer` type does not accept): tensors in the result are kept.
 */
export function tidyResult<T extends object>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
