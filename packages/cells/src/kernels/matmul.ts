import { type KernelBackend, kernelBackend, registerKernelOnce } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { isSparse, sparseGemm } from './gemm.js';
import { type KernelMemory, kernelMemory } from './memory.js';

/** rnnkit's own matMul kernel (cpu, wasm), registered on first use. */
export const MATMUL_KERNEL = 'RnnkitMatMul';

/**
 * `a · b` for 2-D float32 tensors, neither transposed, under rnnkit's own kernel name so that
 * tfjs's `BatchMatMul` and every other user of it stay untouched:
 * - a mostly-zero `a` (one-hot input rows, or their transpose in `dW_ih = X^T dG`) visits only
 *   its non-zeros, in JS;
 * - otherwise cpu runs `cpuGemm` (~5× tfjs's cpu matMul) and wasm its own XNNPACK matMul.
 * Other backends get `tf.matMul`. (On wasm a transposed operand is 10–20× slower than a plain
 * matMul, hence "plain".)
 */
export function plainMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const backendName = kernelBackend();
  if (backendName == null) return tf.matMul(a, b);
  if (a.shape[1] !== b.shape[0]) {
    throw new Error(`plainMatMul: inner sizes differ, [${a.shape}] · [${b.shape}]`);
  }
  registerKernelOnce(MATMUL_KERNEL, backendName, matMulKernel);
  return tf.engine().runKernel(MATMUL_KERNEL, { a, b }, {}) as tf.Tensor2D;
}

function matMulKernel(backendName: KernelBackend): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const { a: x, b: y } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const mem = kernelMemory(backendName, backend);
    const out = mem.alloc([x.shape[0] as number, y.shape[1] as number]);
    matMulInto(mem, x, y, out);
    return out;
  };
}

/**
 * `out [m, n] = a [m, k] · b [k, n]` inside a kernel, as {@link plainMatMul} computes it: a
 * mostly-zero `a` by `sparseGemm`, else the backend's dense matMul. `out` is allocated by the
 * caller; on wasm the heap may grow, so views taken before are re-pointed (`mem.sync`).
 */
export function matMulInto(
  mem: KernelMemory,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  out: tf.TensorInfo,
): void {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1] as number;
  const [av, bv, ov] = [mem.view(a), mem.view(b), mem.view(out)];
  if (isSparse(av.arr, av.off, m * k)) {
    sparseGemm(av.arr, av.off, bv.arr, bv.off, ov.arr, ov.off, m, k, n);
  } else {
    mem.matMul(a, b, out);
  }
}
