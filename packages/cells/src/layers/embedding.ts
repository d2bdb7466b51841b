import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { normal } from '../init/normal.js';
import { DEFAULT_SEED, type InitOptions } from '../init/options.js';
import { toVariable } from '../init/to-variable.js';
import { uniform } from '../init/uniform.js';
import { plainMatMul } from '../kernels/matmul.js';
import { oneHotRows } from '../kernels/one-hot-rows.js';
import { fastTranspose } from '../kernels/transpose.js';
import { checkIds } from './one-hot.js';

/** A learned lookup table, PyTorch `nn.Embedding` layout: row v is the vector of id v. */
export interface Embedding {
  weight: tf.Variable; // [V, D]
}

/**
 * Creates an embedding table. `'keras'` (default): U(-0.05, 0.05), Keras `Embedding`'s
 * `'uniform'` default. `'pytorch'`: N(0, 1), as `torch.nn.Embedding`.
 *
 * @example
 * ```ts
 * const emb = createEmbedding(65, 32, { seed: 3 });
 * ```
 */
export function createEmbedding(
  vocabSize: number,
  dim: number,
  options: InitOptions = {},
): Embedding {
  for (const [name, n] of [
    ['vocabSize', vocabSize],
    ['dim', dim],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `createEmbedding: ${name} must be a whole number >= 1, got ${String(n)}.`,
      );
    }
  }
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const init = options.init ?? 'keras';
  const shape = [vocabSize, dim];
  if (init === 'pytorch')
    return { weight: toVariable(Float32Array.from(normal(shape, rng)), shape) };
  if (init !== 'keras') {
    throw new RangeError(`Unknown init '${String(init)}': use 'keras' or 'pytorch'.`);
  }
  return { weight: toVariable(uniform(shape, 0.05, rng), shape) };
}

/**
 * Looks up the vectors of `ids`: `oneHot(ids) · W`, one plain matMul on `[B*T, V]`.
 *
 * Not `tf.gather`: its gradient (UnsortedSegmentSum) does not exist on wasm. The custom
 * gradient `dW = oneHot^T · dy` is again one plain matMul. Ids outside [0, V) embed to zeros.
 *
 * @example
 * ```ts
 * const x = embed(emb, tf.tensor2d([[4, 7, 1]], [1, 3], 'int32')); // [1, 3, 32]
 * ```
 */
export function embed(emb: Embedding, ids: tf.Tensor): tf.Tensor3D {
  checkIds(ids, 'embed');
  const [batch, time] = ids.shape as [number, number];
  const [vocab, dim] = emb.weight.shape as [number, number];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const flatIds = tf.reshape(ids, [batch * time]);
    const hot = oneHotRows(flatIds, vocab) as tf.Tensor2D; // [B*T, V]
    save([hot]);
    return {
      value: tf.reshape(plainMatMul(hot, w), [batch, time, dim]) as tf.Tensor3D, // [B, T, D]
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const dy2 = tf.reshape(dy, [batch * time, dim]) as tf.Tensor2D; // [B*T, D]
          return plainMatMul(fastTranspose(saved[0] as tf.Tensor2D), dy2); // [V, D]
        }),
    };
  });
  return tf.tidy(() => op(emb.weight));
}
