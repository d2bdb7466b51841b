import { type KernelBackend, kernelBackend, registerKernelOnce } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { copy, kernelMemory } from './memory.js';

export const ROWS_KERNEL = 'RnnkitSliceRows';

/**
 * Rows `[begin, begin + size)` of axis 0 of a float32 tensor. On cpu and wasm one copy of
 * just those rows (wasm's own Slice first copies the whole input out of its heap, so cutting
 * T pieces from a sequence costs O(T²)); elsewhere `tf.slice`. Not differentiable by itself:
 * callers own the gradient.
 */
export function sliceRows(x: tf.Tensor, begin: number, size: number): tf.Tensor {
  const backendName = kernelBackend();
  const shape = [size, ...x.shape.slice(1)];
  if (backendName == null || x.dtype !== 'float32') {
    return tf.slice(x, [begin, ...x.shape.slice(1).map(() => 0)], shape);
  }
  registerKernelOnce(ROWS_KERNEL, backendName, sliceRowsKernel);
  return tf.engine().runKernel(ROWS_KERNEL, { x }, { begin, shape }) as tf.Tensor;
}

export const PAD_ROWS_KERNEL = 'RnnkitPadRows';

/**
 * `x` placed at rows `[begin, begin + x.shape[0])` of a zero tensor with `total` rows along
 * axis 0: the gradient of {@link sliceRows}. A JS kernel on cpu and wasm (the cpu backend's
 * generic pad maps every element's index), `tf.pad` elsewhere.
 */
export function padRows(x: tf.Tensor, begin: number, total: number): tf.Tensor {
  const backendName = kernelBackend();
  const size = x.shape[0] as number;
  if (backendName == null || x.dtype !== 'float32') {
    return tf.pad(x, [
      [begin, total - begin - size],
      ...x.shape.slice(1).map((): [number, number] => [0, 0]),
    ]);
  }
  registerKernelOnce(PAD_ROWS_KERNEL, backendName, padRowsKernel);
  return tf.engine().runKernel(PAD_ROWS_KERNEL, { x }, { begin, total }) as tf.Tensor;
}

function sliceRowsKernel(backendName: KernelBackend): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x: input } = inputs as { x: tf.TensorInfo };
    const { begin: b, shape: s } = attrs as unknown as { begin: number; shape: number[] };
    const mem = kernelMemory(backendName, backend);
    const out = mem.alloc(s);
    const row = input.shape.slice(1).reduce((p, q) => p * q, 1);
    const src = mem.view(input);
    copy({ arr: src.arr, off: src.off + b * row }, mem.view(out), (s[0] as number) * row);
    return out;
  };
}

function padRowsKernel(backendName: KernelBackend): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x: input } = inputs as { x: tf.TensorInfo };
    const { begin: b, total: n } = attrs as unknown as { begin: number; total: number };
    const mem = kernelMemory(backendName, backend);
    const row = input.shape.slice(1).reduce((p, q) => p * q, 1);
    const out = mem.alloc([n, ...input.shape.slice(1)]);
    const dst = mem.view(out);
    const src = mem.view(input);
    const rows = input.shape[0] as number;
    // wasm's fresh memory is not zeroed; cpu's is, and filling it again is cheap.
    dst.arr.fill(0, dst.off, dst.off + b * row);
    dst.arr.fill(0, dst.off + (b + rows) * row, dst.off + n * row);
    copy(src, { arr: dst.arr, off: dst.off + b * row }, rows * row);
    return out;
  };
}
