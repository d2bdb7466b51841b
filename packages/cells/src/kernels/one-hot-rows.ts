import { type KernelBackend, kernelBackend, registerKernelOnce } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { kernelMemory } from './memory.js';

export const ONE_HOT_KERNEL = 'RnnkitOneHot';

/**
 * float32 one-hot rows of int32 `ids` (any shape) → `[...ids.shape, depth]`; an id outside
 * [0, depth) gives an all-zero row (tfjs semantics). On cpu and wasm one JS kernel writes the
 * float rows directly (tfjs's int32 OneHot then a Cast walks every element in JS on wasm);
 * elsewhere `tf.oneHot` and a cast. Not differentiable: ids are data.
 */
export function oneHotRows(ids: tf.Tensor, depth: number): tf.Tensor {
  const backendName = kernelBackend();
  if (backendName == null) return tf.tidy(() => tf.cast(tf.oneHot(ids, depth), 'float32'));
  registerKernelOnce(ONE_HOT_KERNEL, backendName, oneHotKernel);
  return tf.engine().runKernel(ONE_HOT_KERNEL, { ids }, { depth }) as tf.Tensor;
}

function oneHotKernel(backendName: KernelBackend): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { ids } = inputs as { ids: tf.TensorInfo };
    const { depth } = attrs as unknown as { depth: number };
    const mem = kernelMemory(backendName, backend);
    const out = mem.alloc([...ids.shape, depth]);
    const rows = ids.shape.reduce((a, b) => a * b, 1);
    const o = mem.view(out);
    const y = mem.viewInt32(ids);
    o.arr.fill(0, o.off, o.off + rows * depth); // wasm's fresh memory is not zeroed
    for (let r = 0; r < rows; r++) {
      const id = y.arr[y.off + r] as number;
      if (id >= 0 && id < depth) o.arr[o.off + r * depth + id] = 1;
    }
    return out;
  };
}
