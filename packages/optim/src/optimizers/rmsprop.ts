import * as tf from '@tensorflow/tfjs-core';
import { booleanOption, checkKnownKeys, numberOption } from '../checks.js';
import type { Optimizer } from './optimizer.js';
import { createSlotOptimizer } from './slot-optimizer.js';
import type { UpdateRule } from './update-rule.js';

export interface RmspropOptions {
  /** Step size, >= 0 (default 0.001). */
  learningRate?: number;
  /** Decay of the mean square, Keras's `rho`, in [0, 1) (default 0.9). */
  decay?: number;
  /** Momentum factor in [0, 1] (default 0: no momentum slot). */
  momentum?: number;
  /** > 0, added under the square root (default 1e-7). */
  epsilon?: number;
  /** Divide by the estimated variance of g instead of its mean square (default false). */
  centered?: boolean;
}

export type RmspropConfig = Required<RmspropOptions>;

const KEYS = ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'] as const;

const rule: UpdateRule<RmspropConfig> = {
  name: 'rmsprop',
  parse(o: RmspropOptions) {
    checkKnownKeys('rmsprop', o, KEYS);
    return {
      learningRate: numberOption('rmsprop', 'learningRate', o.learningRate, 0.001, { min: 0 }),
      decay: numberOption('rmsprop', 'decay', o.decay, 0.9, { min: 0, max: 1, maxOpen: true }),
      momentum: numberOption('rmsprop', 'momentum', o.momentum, 0, { min: 0, max: 1 }),
      epsilon: numberOption('rmsprop', 'epsilon', o.epsilon, 1e-7, { min: 0, minOpen: true }),
      centered: booleanOption('rmsprop', 'centered', o.centered, false),
    };
  },
  slotNames: (c) => [
    'meanSquare',
    ...(c.momentum > 0 ? ['momentum'] : []),
    ...(c.centered ? ['meanGrad'] : []),
  ],
  step(c) {
    const lr = tf.scalar(c.learningRate);
    const rho = tf.scalar(c.decay);
    const k = tf.scalar(1 - c.decay);
    const eps = tf.scalar(c.epsilon);
    const mu = tf.scalar(c.momentum);
    return (p, g, slots) => {
      // ρ·ms + (1-ρ)·g²
      const ms = tf.add(tf.mul(rho, slots.meanSquare as tf.Tensor), tf.mul(k, tf.square(g)));
      const next: Record<string, tf.Tensor> = { meanSquare: ms };
      let variance = ms;
      if (c.centered) {
        // ρ·mg + (1-ρ)·g
        const mg = tf.add(tf.mul(rho, slots.meanGrad as tf.Tensor), tf.mul(k, g));
        next.meanGrad = mg;
        // ms - mg² >= 0 in exact arithmetic; float32 rounding can dip below and NaN the sqrt.
        variance = tf.relu(tf.sub(ms, tf.square(mg)));
      }
      let delta = tf.div(tf.mul(lr, g), tf.sqrt(tf.add(variance, eps))); // lr·g / sqrt(ms + ε)
      if (c.momentum > 0) {
        delta = tf.add(tf.mul(mu, slots.momentum as tf.Tensor), delta); // mom = μ·mom + Δ
        next.momentum = delta;
      }
      return { param: tf.sub(p, delta), slots: next };
    };
  },
};

/**
 * RMSProp in the TF/Keras formulation (`tf.keras.optimizers.RMSprop`, TF1
 * `RMSPropOptimizer`; tfjs-core's `tf.train.rmsprop` when uncentered), ε under the square root:
 *
 *   ms  = ρ·ms + (1-ρ)·g²
 *   mg  = ρ·mg + (1-ρ)·g                           (centered only)
 *   Δ   = lr · g / sqrt(ms + ε)                    (centered: sqrt(ms - mg² + ε))
 *   mom = μ·mom + Δ;  p -= mom                     (μ > 0; otherwise p -= Δ)
 *
 * PyTorch differs: it adds ε outside the root, `g / (sqrt(ms) + ε)`, and keeps lr out of the
 * momentum buffer. Slots: `meanSquare`, plus `momentum` if μ > 0 and `meanGrad` if centered.
 *
 * @example
 * ```ts
 * const opt = rmsprop({ learningRate: 0.01, centered: true });
 * opt.applyGradients({ w }, { w: gradOfW });
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  return createSlotOptimizer(rule, options);
}
