import * as tf from '@tensorflow/tfjs-core';
import { cpuGemm } from './cpu-gemm.js';
import { cpuMemory } from './kernel-memory.js';

/** rnnkit's own cpu matMul kernel, registered on first use. */
export const MATMUL_KERNEL = 'RnnkitMatMul';

/**
 * `a · b` for 2-D float32 tensors, neither transposed. On cpu this runs rnnkit's JS kernel
 * (`cpuGemm`, ~5× tfjs's cpu matMul) under its own name, so tfjs's `BatchMatMul` and every
 * other user of it stay untouched; elsewhere it is `tf.matMul` (on wasm a plain matMul is
 * the fast XNNPACK path; a transposed operand is 10–20× slower, hence "plain").
 */
export function plainMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== 'cpu') return tf.matMul(a, b);
  if (tf.getKernel(MATMUL_KERNEL, 'cpu') == null) {
    tf.registerKernel({ kernelName: MATMUL_KERNEL, backendName: 'cpu', kernelFunc: cpuMatMul });
  }
  if (a.shape[1] !== b.shape[0])
    throw new Error(`plainMatMul: inner sizes differ, [${a.shape}] · [${b.shape}]`);
  return tf.engine().runKernel(MATMUL_KERNEL, { a, b }, {}) as tf.Tensor2D;
}

const cpuMatMul: tf.KernelFunc = ({ inputs, backend }) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1] as number;
  const mem = cpuMemory(backend as Parameters<typeof cpuMemory>[0]);
  const out = mem.alloc([m, n]);
  const [av, bv, ov] = [mem.view(a), mem.view(b), mem.view(out)];
  cpuGemm(av.arr, av.off, bv.arr, bv.off, ov.arr, ov.off, m, k, n);
  return out;
};
