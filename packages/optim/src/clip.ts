import {
  type Buf,
  type KernelBackend,
  kernelBackend,
  registerKernelOnce,
  tensorMemory,
} from '@rnnkit/core/kernels';
import { simdKernels, wasmBackendMemory } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { numberOption } from './checks.js';

/**
 * Scales a list or record of tensors (usually gradients) together so that their global norm is
 * at most `clipNorm`, with the semantics of `tf.clip_by_global_norm`:
 *
 *   norm = sqrt(Σ_i Σ t_i²)
 *   t_i ← t_i · clipNorm / max(norm, clipNorm)
 *
 * Below the threshold the scale is exactly 1, and all-zero input comes back unchanged (never
 * 0/0). Returns new tensors in the same structure and the norm before clipping, which is worth
 * logging; the caller disposes both. PyTorch's `clip_grad_norm_` differs slightly when it clips:
 * it divides by `norm + 1e-6`.
 *
 * @example
 * ```ts
 * const { grads } = tf.variableGrads(() => loss());
 * const { clipped, globalNorm } = clipByGlobalNorm(grads, 5);
 * optimizer.applyGradients(params, clipped);
 * ```
 */
export function clipByGlobalNorm<T extends tf.Tensor[] | Record<string, tf.Tensor>>(
  tensors: T,
  clipNorm: number,
): { clipped: T; globalNorm: tf.Scalar } {
  numberOption('clipByGlobalNorm', 'clipNorm', clipNorm, Number.NaN, { min: 0, minOpen: true });
  return tf.tidy(() => {
    const norm = globalNorm(tensors);
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm)); // []
    const clip = (t: tf.Tensor) => tf.mul(t, scale);
    const clipped = Array.isArray(tensors)
      ? tensors.map(clip)
      : Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, clip(t)]));
    return { clipped: clipped as T, globalNorm: norm };
  });
}

/**
 * The Euclidean norm of all entries of all tensors together, `sqrt(Σ_i Σ t_i²)`, as used by
 * {@link clipByGlobalNorm}. An empty list gives 0.
 *
 * @example
 * ```ts
 * globalNorm([tf.tensor1d([3]), tf.tensor1d([4])]); // Scalar 5
 * ```
 */
export function globalNorm(tensors: tf.Tensor[] | Record<string, tf.Tensor>): tf.Scalar {
  const list = Array.isArray(tensors) ? tensors : Object.values(tensors);
  const backendName = kernelBackend();
  if (backendName != null && list.length > 0 && list.every((t) => t.dtype === 'float32')) {
    registerKernelOnce(GLOBAL_NORM_KERNEL, backendName, globalNormKernel);
    const inputs = Object.fromEntries(list.map((t, i) => [`t${i}`, t]));
    return tf.engine().runKernel(GLOBAL_NORM_KERNEL, inputs, { count: list.length }) as tf.Scalar;
  }
  return tf.tidy(() => {
    if (list.length === 0) return tf.scalar(0);
    const squares = list.map((t) => tf.sum(tf.square(t))); // one [] per tensor
    return tf.sqrt(squares.length === 1 ? (squares[0] as tf.Scalar) : tf.addN(squares));
  }) as tf.Scalar;
}

/** The global norm as one kernel on cpu and wasm, instead of a Square and a Sum per tensor. */
const GLOBAL_NORM_KERNEL = 'RnnkitGlobalNorm';

/** Inputs t0..t{count-1} (float32, any shape) → `sqrt(Σ Σ t²)`, the squares summed in float64. */
function globalNormKernel(backendName: KernelBackend): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { count } = attrs as unknown as { count: number };
    const { alloc, view } = tensorMemory(backendName, backend);
    const out = alloc([]); // before any view
    // On wasm, SIMD float64 lanes in place on tfjs's heap.
    const memory = backendName === 'wasm' ? wasmBackendMemory(backend) : undefined;
    const k = memory && simdKernels(memory);
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const t = inputs[`t${i}`] as tf.TensorInfo;
      const n = t.shape.reduce((a, b) => a * b, 1);
      const x: Buf = view(t);
      if (k) {
        sum += k.sumSquares(x.off, n);
        continue;
      }
      for (let j = 0; j < n; j++)
        sum += (x.arr[x.off + j] as number) * (x.arr[x.off + j] as number);
    }
    const o = view(out);
    o.arr[o.off] = Math.sqrt(sum);
    return out;
  };
}
