import {
  type Buf,
  type KernelBackend,
  kernelBackend,
  registerKernelOnce,
  tensorMemory,
} from '@rnnkit/core/kernels';
import { simdKernels, wasmBackendMemory } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { booleanOption, checkKnownKeys, numberOption } from '../checks.js';
import type { Optimizer } from './optimizer.js';
import { createSlotOptimizer } from './slot-optimizer.js';
import type { UpdateRule } from './update-rule.js';

export interface AdamOptions {
  /** Step size, >= 0 (default 0.001). */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1) (default 0.9). */
  beta1?: number;
  /** Decay of the second moment, in [0, 1) (default 0.999). */
  beta2?: number;
  /** > 0 (default 1e-7, tfjs-core's; PyTorch uses 1e-8). */
  epsilon?: number;
  /** Use the TF/Keras "epsilon hat" form instead of the tfjs/PyTorch one (default false). */
  epsilonHat?: boolean;
}

export type AdamConfig = Required<AdamOptions>;

const KEYS = ['learningRate', 'beta1', 'beta2', 'epsilon', 'epsilonHat'] as const;
const UNIT = { min: 0, max: 1, maxOpen: true };

const rule: UpdateRule<AdamConfig> = {
  name: 'adam',
  parse(o: AdamOptions) {
    checkKnownKeys('adam', o, KEYS);
    return {
      learningRate: numberOption('adam', 'learningRate', o.learningRate, 0.001, { min: 0 }),
      beta1: numberOption('adam', 'beta1', o.beta1, 0.9, UNIT),
      beta2: numberOption('adam', 'beta2', o.beta2, 0.999, UNIT),
      epsilon: numberOption('adam', 'epsilon', o.epsilon, 1e-7, { min: 0, minOpen: true }),
      epsilonHat: booleanOption('adam', 'epsilonHat', o.epsilonHat, false),
    };
  },
  slotNames: () => ['m', 'v'],
  step(c, t) {
    // Bias corrections in float64: tfjs keeps beta2^t in a float32 variable, and 1 - 0.999f
    // alone is off by 1.3e-5 relative.
    const bc1 = 1 - c.beta1 ** t;
    const bc2 = 1 - c.beta2 ** t;
    // Both forms are p -= a · m / (s·sqrt(v) + eps):
    //   tfjs/PyTorch  a = lr / bc1,            s = 1 / sqrt(bc2)   (= m̂ / (sqrt(v̂) + eps))
    //   epsilon hat   a = lr·sqrt(bc2) / bc1,  s = 1               (TF/Keras, TF1 AdamOptimizer)
    const aValue = c.epsilonHat ? (c.learningRate * Math.sqrt(bc2)) / bc1 : c.learningRate / bc1;
    const sValue = c.epsilonHat ? 1 : 1 / Math.sqrt(bc2);
    // On cpu and wasm one fused kernel per parameter (constants in float64); else the ops.
    const constants = { a: aValue, s: sValue, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon };
    const [a, s] = [tf.scalar(aValue), tf.scalar(sValue)];
    const [b1, b2, eps] = [tf.scalar(c.beta1), tf.scalar(c.beta2), tf.scalar(c.epsilon)];
    const [k1, k2] = [tf.scalar(1 - c.beta1), tf.scalar(1 - c.beta2)];
    return (p, g, { m, v }) => {
      const fused = fusedAdamStep(p, g, m as tf.Tensor, v as tf.Tensor, constants);
      if (fused) return { param: fused.param, slots: { m: fused.m, v: fused.v } };
      const m1 = tf.add(tf.mul(b1, m as tf.Tensor), tf.mul(k1, g)); // m = b1·m + (1-b1)·g
      // v = b2·v + (1-b2)·g²
      const v1 = tf.add(tf.mul(b2, v as tf.Tensor), tf.mul(k2, tf.square(g)));
      const denom = tf.add(tf.mul(s, tf.sqrt(v1)), eps);
      return { param: tf.sub(p, tf.mul(a, tf.div(m1, denom))), slots: { m: m1, v: v1 } };
    };
  },
};

/**
 * Adam (Kingma & Ba), in tfjs-core's formulation, which is PyTorch's:
 *
 *   m = β1·m + (1-β1)·g,  v = β2·v + (1-β2)·g²
 *   p -= lr · m̂ / (sqrt(v̂) + ε),  m̂ = m / (1-β1^t),  v̂ = v / (1-β2^t)
 *
 * With `epsilonHat: true`, the TF/Keras form
 *
 *   p -= lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε)
 *
 * i.e. ε is scaled by 1/sqrt(1-β2^t) relative to v̂ (about 30 times larger at the first steps).
 * Slots: `m`, `v`.
 *
 * @example
 * ```ts
 * const opt = adam({ learningRate: 0.1 });
 * const { grads } = tf.variableGrads(() => loss(), [w]);
 * opt.applyGradients({ w }, grads);
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  return createSlotOptimizer(rule, options);
}

// The same update as `rule.step`'s ops, fused: change one and the other changes with it.

const ADAM_KERNEL = 'RnnkitAdamStep';

/** Per-step constants of the Adam update (see `rule.step` above): p -= a·m / (s·sqrt(v) + eps). */
interface AdamConstants {
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
function fusedAdamStep(
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
    // On wasm, rnnkit's SIMD Adam in place on tfjs's heap (bit-identical: float64 lanes).
    const memory = backendName === 'wasm' ? wasmBackendMemory(backend) : undefined;
    const k = memory && simdKernels(memory);
    if (k) {
      k.adamStep(
        P.off,
        G.off,
        M.off,
        V.off,
        P1.off,
        M1.off,
        V1.off,
        n,
        a,
        s,
        beta1,
        beta2,
        epsilon,
      );
      return outs;
    }
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
