import * as tf from '@tensorflow/tfjs-core';
import { flat, type Nested, shapeOf } from '../../../../fixtures/reference.js';

/** Every suite runs on both backends rnnkit supports. */
export const BACKENDS = ['cpu', 'wasm'] as const;

/** A float32 tensor from a nested JSON array of the reference vectors. */
export function fromNested(x: Nested): tf.Tensor {
  return tf.tensor(flat(x), shapeOf(x), 'float32');
}

/** A float32 tensor of U(-1, 1) values drawn from `rng`. */
export function randomTensor(shape: number[], rng: () => number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => 2 * rng() - 1),
    shape,
    'float32',
  );
}
