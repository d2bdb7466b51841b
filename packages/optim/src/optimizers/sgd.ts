import * as tf from '@tensorflow/tfjs-core';
import { booleanOption, checkKnownKeys, numberOption } from '../checks.js';
import { OptionError } from '../errors.js';
import type { Optimizer } from './optimizer.js';
import { createSlotOptimizer } from './slot-optimizer.js';
import type { UpdateRule } from './update-rule.js';

export interface SgdOptions {
  /** Step size, >= 0 (default 0.01). */
  learningRate?: number;
  /** Momentum factor in [0, 1] (default 0: plain SGD, no slot). */
  momentum?: number;
  /** Nesterov momentum; needs momentum > 0 (default false). */
  nesterov?: boolean;
}

export type SgdConfig = Required<SgdOptions>;

const KEYS = ['learningRate', 'momentum', 'nesterov'] as const;

const rule: UpdateRule<SgdConfig> = {
  name: 'sgd',
  parse(o: SgdOptions) {
    checkKnownKeys('sgd', o, KEYS);
    const config = {
      learningRate: numberOption('sgd', 'learningRate', o.learningRate, 0.01, { min: 0 }),
      momentum: numberOption('sgd', 'momentum', o.momentum, 0, { min: 0, max: 1 }),
      nesterov: booleanOption('sgd', 'nesterov', o.nesterov, false),
    };
    if (config.nesterov && config.momentum === 0) {
      throw new OptionError("sgd: option 'nesterov' needs 'momentum' > 0; got momentum 0.");
    }
    return config;
  },
  slotNames: (c) => (c.momentum > 0 ? ['momentum'] : []),
  step(c) {
    const lr = tf.scalar(c.learningRate);
    if (c.momentum === 0) return (p, g) => ({ param: tf.sub(p, tf.mul(lr, g)), slots: {} });
    const mu = tf.scalar(c.momentum);
    return (p, g, { momentum }) => {
      const buf = tf.add(tf.mul(mu, momentum as tf.Tensor), g); // buf = μ·buf + g
      const direction = c.nesterov ? tf.add(g, tf.mul(mu, buf)) : buf;
      return { param: tf.sub(p, tf.mul(lr, direction)), slots: { momentum: buf } };
    };
  },
};

/**
 * Stochastic gradient descent with optional momentum, in PyTorch's form (no dampening):
 *
 *   buf = μ·buf + g
 *   p -= lr · buf                 (plain momentum)
 *   p -= lr · (g + μ·buf)         (nesterov)
 *
 * The learning rate multiplies the whole buffer at each step, so changing it rescales the
 * next step at once (TF/Keras instead fold lr into the buffer). Slot: `momentum` if μ > 0.
 *
 * @example
 * ```ts
 * const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
 * opt.applyGradients({ w }, { w: gradOfW });
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  return createSlotOptimizer(rule, options);
}
