import { clipByGlobalNorm, globalNorm, type Optimizer } from '@rnnkit/optim';
import * as tf from '@tensorflow/tfjs-core';

/** The loss before an update and the gradients' global norm before clipping. */
export interface MinimizeResult {
  loss: tf.Scalar;
  gradNorm: tf.Scalar;
}

/**
 * One update of any model: gradients of `loss` with respect to `params` (by name), optional
 * clipping by global norm, `optimizer.applyGradients`. Every training step in rnnkit goes
 * through here. Tensors that `loss` keeps with `tf.keep` (a final state) outlive the call.
 *
 * @example
 * ```ts
 * const { loss, gradNorm } = minimize(params, optimizer, () => sequenceLoss(logits(), y), { clipNorm: 5 });
 * ```
 */
export function minimize(
  params: Record<string, tf.Variable>,
  optimizer: Optimizer,
  loss: () => tf.Scalar,
  options: { clipNorm?: number } = {},
): MinimizeResult {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, Object.values(params));
    // tf.variableGrads keys by variable name; the optimizer wants the parameter names.
    const named: Record<string, tf.Tensor> = {};
    for (const [name, v] of Object.entries(params)) named[name] = grads[v.name] as tf.Tensor;
    const { clipped, globalNorm: norm } =
      options.clipNorm == null
        ? { clipped: named, globalNorm: globalNorm(named) }
        : clipByGlobalNorm(named, options.clipNorm);
    optimizer.applyGradients(params, clipped);
    return { loss: value, gradNorm: norm };
  });
}

/**
 * {@link minimize} returning only the loss before the update, as a tensor (read it when you
 * log; dispose it).
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
  const result = minimize(params, optimizer, loss, options);
  result.gradNorm.dispose();
  return result.loss;
}
