import { transposeInto } from '@rnnkit/core';
import { type KernelBackend, kernelBackend, registerKernelOnce } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { kernelMemory } from './memory.js';
import { simdFor } from './simd.js';

export const TRANSPOSE_KERNEL = 'RnnkitTranspose';

/**
 * `tf.transpose` for the two layouts the runner uses: 2-D `[r, c] -> [c, r]` and 3-D
 * `[a, b, c] -> [b, a, c]` (batch-major <-> time-major), as a JS kernel on cpu and wasm: a
 * row-block copy for the 3-D case, for 2-D SIMD 4×4 blocks on wasm and elsewhere `transposeInto`'s 8×8 tiles (the cpu backend's transpose computes a
 * multi-index per element; wasm's walks the output in order, so reads of a tall matrix miss
 * the cache). Elsewhere `tf.transpose`. No gradient of its own: callers differentiate
 * through it themselves.
 */
export function fastTranspose<T extends tf.Tensor>(x: T, perm?: number[]): T {
  const swapLead = x.rank === 3 && perm != null && perm.join() === '1,0,2';
  const plain2d = x.rank === 2 && (perm == null || perm.join() === '1,0');
  const backendName = kernelBackend();
  if (backendName == null || x.dtype !== 'float32' || !(swapLead || plain2d)) {
    return tf.transpose(x, perm);
  }
  registerKernelOnce(
    TRANSPOSE_KERNEL,
    backendName,
    (name) => (args) => transposeKernel(name, args),
  );
  return tf.engine().runKernel(TRANSPOSE_KERNEL, { x }, {}) as T;
}

function transposeKernel(
  backendName: KernelBackend,
  { inputs, backend }: Parameters<tf.KernelFunc>[0],
): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  const mem = kernelMemory(backendName, backend);
  const [s0, s1, s2] = x.shape as [number, number, number | undefined];
  const out = mem.alloc(s2 == null ? [s1, s0] : [s1, s0, s2]); // before the views (wasm heap)
  const { arr: src, off: so } = mem.view(x);
  const { arr: dst, off: d0 } = mem.view(out);
  // On wasm, SIMD in place on the heap (4×4 blocks; vector row copies).
  const k = simdFor(backendName, backend);
  if (s2 != null) {
    if (k) {
      k.swapLead(so, d0, s0, s1, s2);
      return out;
    }
    for (let i = 0; i < s0; i++) {
      for (let j = 0; j < s1; j++) {
        const from = so + (i * s1 + j) * s2;
        dst.set(src.subarray(from, from + s2), d0 + (j * s0 + i) * s2);
      }
    }
    return out;
  }
  if (k) k.transpose(so, d0, s0, s1);
  else transposeInto(src, so, dst, d0, s0, s1);
  return out;
}
