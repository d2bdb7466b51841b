import * as tf from '@tensorflow/tfjs-core';
import { cpuMemory } from './kernel-memory.js';

export const TRANSPOSE_KERNEL = 'RnnkitTranspose';

/**
 * `tf.transpose` for the two layouts the runner uses: 2-D `[r, c] -> [c, r]` and 3-D
 * `[a, b, c] -> [b, a, c]` (batch-major <-> time-major). On cpu a JS kernel (the cpu
 * backend's transpose computes a multi-index per element, ~10× slower: a row-block copy for
 * the 3-D case, 8×8 tiles for 2-D); elsewhere `tf.transpose`. No gradient of its own:
 * callers differentiate through it themselves.
 */
export function fastTranspose<T extends tf.Tensor>(x: T, perm?: number[]): T {
  const swapLead = x.rank === 3 && perm != null && perm.join() === '1,0,2';
  const plain2d = x.rank === 2 && (perm == null || perm.join() === '1,0');
  if (tf.getBackend() !== 'cpu' || x.dtype !== 'float32' || !(swapLead || plain2d)) {
    return tf.transpose(x, perm);
  }
  if (tf.getKernel(TRANSPOSE_KERNEL, 'cpu') == null) {
    tf.registerKernel({
      kernelName: TRANSPOSE_KERNEL,
      backendName: 'cpu',
      kernelFunc: transposeCpu,
    });
  }
  return tf.engine().runKernel(TRANSPOSE_KERNEL, { x }, {}) as T;
}

const transposeCpu: tf.KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const mem = cpuMemory(backend as Parameters<typeof cpuMemory>[0]);
  const src = mem.view(x).arr;
  if (x.shape.length === 3) {
    const [a, b, c] = x.shape as [number, number, number];
    const out = mem.alloc([b, a, c]);
    const dst = mem.view(out).arr;
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++)
        dst.set(src.subarray((i * b + j) * c, (i * b + j + 1) * c), (j * a + i) * c);
    }
    return out;
  }
  const [r, c] = x.shape as [number, number];
  const out = mem.alloc([c, r]);
  const dst = mem.view(out).arr;
  const T = 8;
  for (let i0 = 0; i0 < r; i0 += T) {
    for (let j0 = 0; j0 < c; j0 += T) {
      const i1 = Math.min(i0 + T, r);
      const j1 = Math.min(j0 + T, c);
      for (let i = i0; i < i1; i++)
        for (let j = j0; j < j1; j++) dst[j * r + i] = src[i * c + j] as number;
    }
  }
  return out;
};
