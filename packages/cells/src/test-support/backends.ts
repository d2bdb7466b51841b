import * as tf from '@tensorflow/tfjs-core';
import { flat, type Nested, shapeOf } from '../../../../fixtures/reference.js';

/** Every suite runs on both backends rnnkit supports. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** A float32 tensor from a nested JSON array of the reference vectors. */
export function fromNested(x: Nested): tf.Tensor {
  return tf.tensor(flat(x), shapeOf(x), 'float32');
}
