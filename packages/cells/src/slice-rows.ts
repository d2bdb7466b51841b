import * as tf from '@tensorflow/tfjs-core';
import { fusedBackend } from './fused-kernels.js';
import { kernelMemory } from './kernel-memory.js';
import { copy } from './recurrent-forward-kernel.js';

export const ROWS_KERNEL = 'RnnkitSliceRows';

/**
 * Rows `[begin, begin + size)` of axis 0 of a float32 tensor. On cpu and wasm one copy of
 * just those rows (wasm's own Slice first copies the whole input out of its heap, so cutting
 * T pieces from a sequence costs O(T²)); elsewhere `tf.slice`. Not differentiable by itself:
 * callers own the gradient.
 */
export function sliceRows(x: tf.Tensor, begin: number, size: number): tf.Tensor {
  const backendName = fusedBackend();
  const shape = [size, ...x.shape.slice(1)];
  if (backendName == null || x.dtype !== 'float32') {
    return tf.slice(x, [begin, ...x.shape.slice(1).map(() => 0)], shape);
  }
  if (tf.getKernel(ROWS_KERNEL, backendName) == null) {
    tf.registerKernel({
      kernelName: ROWS_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { x: input } = inputs as { x: tf.TensorInfo };
        const { begin: b, shape: s } = attrs as unknown as { begin: number; shape: number[] };
        const mem = kernelMemory(backendName, backend);
        const out = mem.alloc(s);
        const row = input.shape.slice(1).reduce((p, q) => p * q, 1);
        const src = mem.view(input);
        copy({ arr: src.arr, off: src.off + b * row }, mem.view(out), (s[0] as number) * row);
        return out;
      },
    });
  }
  return tf.engine().runKernel(ROWS_KERNEL, { x }, { begin, shape }) as tf.Tensor;
}
