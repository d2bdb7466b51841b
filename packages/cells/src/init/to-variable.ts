import * as tf from '@tensorflow/tfjs-core';

/** A trainable float32 variable holding `data` (row-major) with `shape`. */
export function toVariable(data: Float32Array, shape: number[]): tf.Variable {
  // Unnamed: tfjs variable names are global, and two networks must be able to coexist.
  return tf.tidy(() => tf.variable(tf.tensor(data, shape, 'float32')));
}
