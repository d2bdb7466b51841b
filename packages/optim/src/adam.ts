import * as tf from '@tensorflow/tfjs-core';
import { booleanOption, checkKnownKeys, numberOption } from './checks.js';
import { fusedAdamStep } from './fused-adam.js';
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
