import { clipByGlobalNorm, type Optimizer } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One update of any model: gradients of `loss` with respect to `params` (by name), optional
 * clipping by global norm, `optimizer.applyGradients`. Returns the loss before the update as a
 * tensor (read it when you log; dispose it).
 *
 * @example
 * ```ts
 * const loss = minimizeStep(seq2seqParams(model), optimizer, () =>
 *   sequenceLoss(seq2seqLogits(model, src, srcLen, decIn), targets, mask), { clipNorm: 5 });
 * ```
 */
export function minimizeStep(
  params: Record<string, tf.Variable>,
  optimizer: Optimizer,
  loss: () => tf.Scalar,
  options: { clipNorm?: number } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, Object.values(params));
    // tf.variableGrads keys by variable name; the optimizer wants the parameter names.
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of Object.entries(params)) named[name] = grads[v.name] as tf.Tensor;
    const update =
      options.clipNorm == null ? named : clipByGlobalNorm(named, options.clipNorm).clipped;
    optimizer.applyGradients(params, update);
    return value;
  });
}
