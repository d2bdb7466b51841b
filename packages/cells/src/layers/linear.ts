import { createRng, ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { glorotUniform } from '../init/glorot-uniform.js';
import { DEFAULT_SEED, type InitOptions } from '../init/options.js';
import { toVariable } from '../init/to-variable.js';
import { uniform } from '../init/uniform.js';
import { plainMatMul } from '../kernels/matmul.js';
import { fastTranspose } from '../kernels/transpose.js';

/** A fully connected layer with PyTorch `nn.Linear` names and layout: `y = x W^T + b`. */
export interface Linear {
  weight: tf.Variable; // [out, in]
  bias: tf.Variable; // [out]
}

/**
 * Creates a linear layer. `'keras'` (default): Glorot-uniform weight (Keras `Dense`), zero bias.
 * `'pytorch'`: weight and bias U(-1/√in, 1/√in), as `torch.nn.Linear`.
 *
 * @example
 * ```ts
 * const fc = createLinear(128, 65, { seed: 2 }); // hidden -> vocabulary logits
 * ```
 */
export function createLinear(
  inFeatures: number,
  outFeatures: number,
  options: InitOptions = {},
): Linear {
  for (const [name, n] of [
    ['inFeatures', inFeatures],
    ['outFeatures', outFeatures],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`createLinear: ${name} must be a whole number >= 1, got ${String(n)}.`);
    }
  }
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const init = options.init ?? 'keras';
  const shape = [outFeatures, inFeatures];
  if (init === 'pytorch') {
    const bound = 1 / Math.sqrt(inFeatures);
    return {
      weight: toVariable(uniform(shape, bound, rng), shape),
      bias: toVariable(uniform([outFeatures], bound, rng), [outFeatures]),
    };
  }
  if (init !== 'keras') {
    throw new RangeError(`Unknown init '${String(init)}': use 'keras' or 'pytorch'.`);
  }
  return {
    weight: toVariable(glorotUniform(shape, rng), shape),
    bias: toVariable(new Float32Array(outFeatures), [outFeatures]),
  };
}

/**
 * Applies the layer over the last axis of `x` (any rank >= 1): `y = x W^T + b`, as one matMul
 * on `[N, in]` with N the product of the leading axes (e.g. all B*T steps at once).
 *
 * Has its own gradient, `dx = dy W`, `dW = dy^T x`, `db = Σ dy`, with the transposes done
 * explicitly so that every matMul is plain (wasm's transposed-operand matMul is 10–20× slower).
 *
 * @example
 * ```ts
 * const logits = applyLinear(fc, outputs); // [B, T, H] -> [B, T, V]
 * ```
 */
export function applyLinear(lin: Linear, x: tf.Tensor): tf.Tensor {
  const [outF, inF] = lin.weight.shape as [number, number];
  if (x.rank < 1 || x.shape.at(-1) !== inF) {
    throw new ShapeError(
      `applyLinear: x must be [..., ${inF}] (inFeatures ${inF}), got [${x.shape.join(', ')}].`,
    );
  }
  if (x.dtype !== 'float32') {
    throw new ShapeError(`applyLinear: x must be float32, got ${x.dtype}.`);
  }
  const lead = x.shape.slice(0, -1);
  const n = lead.reduce((a, b) => a * b, 1);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, w, b, save] = args as [tf.Tensor, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const x2 = tf.reshape(xi, [n, inF]) as tf.Tensor2D; // [N, in]
    const y = tf.add(plainMatMul(x2, fastTranspose(w) as tf.Tensor2D), b); // [N, out]
    save([x2, w]);
    return {
      value: tf.reshape(y, [...lead, outF]), // [..., out]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
          const dy2 = tf.reshape(dy, [n, outF]) as tf.Tensor2D; // [N, out]
          return [
            tf.reshape(plainMatMul(dy2, ws), [...lead, inF]), // [..., in]
            plainMatMul(fastTranspose(dy2) as tf.Tensor2D, xs), // [out, in]
            tf.sum(dy2, 0), // [out]
          ];
        }),
    };
  });
  return tf.tidy(() => op(x, lin.weight, lin.bias));
}
