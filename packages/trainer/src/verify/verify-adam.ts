import { adam } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';
import { type Check, compare, TOLERANCES } from './compare.js';
import type { AdamReference } from './reference-types.js';
import { tensorOf } from './verify-cell.js';

/**
 * Runs the `adam` reference: each formulation's recorded gradients are fed step by step from
 * `init`, and the parameters after every step are compared. Formulations named `*eps_hat*`
 * use the TF/Keras "epsilon hat" form.
 */
export function verifyAdam(ref: AdamReference): Check[] {
  const checks: Check[] = [];
  for (const [name, f] of Object.entries(ref.formulations)) {
    const params: Record<string, tf.Variable> = {};
    for (const [p, value] of Object.entries(ref.init))
      params[p] = tf.tidy(() => tf.variable(tensorOf(value)));
    const optimizer = adam({
      learningRate: ref.lr,
      beta1: ref.beta1,
      beta2: ref.beta2,
      epsilon: f.epsilon,
      epsilonHat: name.includes('eps_hat'),
    });
    try {
      f.trajectory.forEach((step, k) => {
        tf.tidy(() => {
          const grads: Record<string, tf.Tensor> = {};
          for (const [p, g] of Object.entries(step.grads)) grads[p] = tensorOf(g);
          optimizer.applyGradients(params, grads);
        });
        const label = `${name} step ${k + 1}`;
        const slots = optimizer.getState().slots;
        for (const [p, want] of Object.entries(step.params_after)) {
          const got = (params[p] as tf.Variable).dataSync();
          checks.push(compare(`${label} ${p}`, got, want, TOLERANCES.params));
          for (const moment of ['m', 'v'] as const) {
            const expected = step[moment]?.[p];
            const actual = slots[p]?.[moment];
            if (expected !== undefined && actual !== undefined) {
              checks.push(compare(`${label} ${moment} ${p}`, actual, expected, TOLERANCES.params));
            }
          }
        }
      });
    } finally {
      optimizer.dispose();
      tf.dispose(Object.values(params));
    }
  }
  return checks;
}
