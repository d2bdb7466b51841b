import {
  type Buf,
  type KernelBackend,
  kernelBackend,
  registerKernelOnce,
  tensorMemory,
} from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';

export const ADAM_KERNEL = 'RnnkitAdamStep';

/** Per-step constants of the Adam update (see `adam.ts`): p -= a·m / (s·sqrt(v) + eps). */
export interface AdamConstants {
  a: number;
  s: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * One parameter's Adam update as a single kernel on cpu and wasm: the thirteen elementwise
 * tfjs ops of the op-by-op form become one JS pass over p, g, m, v (the cpu backend runs a
 * scalar-times-tensor op through its generic broadcasting, ~10× a plain loop). Undefined on
 * other backends, which use the ops.
 */
export function fusedAdamStep(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  c: AdamConstants,
): { param: tf.Tensor; m: tf.Tensor; v: tf.Tensor } | undefined {
  const backendName = kernelBackend();
  if (backendName == null) return undefined;
  registerKernelOnce(ADAM_KERNEL, backendName, adamKernel);
  const attrs = { ...c } as unknown as tf.NamedAttrMap;
  const [param, m1, v1] = tf.engine().runKernel(ADAM_KERNEL, { p, g, m, v }, attrs) as tf.Tensor[];
  return { param: param as tf.Tensor, m: m1 as tf.Tensor, v: v1 as tf.Tensor };
}

function adamKernel(backendName: KernelBackend): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { p, g, m, v } = inputs as Record<string, tf.TensorInfo>;
    const { a, s, beta1, beta2, epsilon } = attrs as unknown as AdamConstants;
    const shape = (p as tf.TensorInfo).shape;
    const n = shape.reduce((x, y) => x * y, 1);
    const { alloc, view } = tensorMemory(backendName, backend);
    const outs = [alloc(shape), alloc(shape), alloc(shape)]; // allocate before any view
    const [P, G, M, V, P1, M1, V1] = [p, g, m, v, ...outs].map((t) =>
      view(t as tf.TensorInfo),
    ) as Buf[] as [Buf, Buf, Buf, Buf, Buf, Buf, Buf];
    const [k1, k2] = [1 - beta1, 1 - beta2];
    for (let i = 0; i < n; i++) {
      const gi = G.arr[G.off + i] as number;
      const mi = Math.fround(beta1 * (M.arr[M.off + i] as number) + k1 * gi); // b1·m + (1-b1)·g
      const vi = Math.fround(beta2 * (V.arr[V.off + i] as number) + k2 * gi * gi); // b2·v + (1-b2)·g²
      M1.arr[M1.off + i] = mi;
      V1.arr[V1.off + i] = vi;
      P1.arr[P1.off + i] = (P.arr[P.off + i] as number) - (a * mi) / (s * Math.sqrt(vi) + epsilon);
    }
    return outs;
  };
}
