import { ShapeError } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { sameShape } from '../checks.js';
import { GradientNameError, OptimizerStateError } from '../errors.js';
import type { SlotVariables as Slots } from './update-rule.js';

/** Checks every gradient before any update, so a failed call changes nothing. */
export function checkGradients(
  where: string,
  params: Record<string, tf.Variable>,
  grads: Record<string, tf.Tensor>,
  slots: Map<string, Slots>,
): string[] {
  const names = Object.keys(grads).filter((name) => grads[name] != null);
  const unknown = names.filter((name) => !Object.hasOwn(params, name));
  if (unknown.length > 0) {
    const variableNames = new Set(Object.values(params).map((p) => p.name));
    const hint = unknown.every((n) => variableNames.has(n))
      ? ' These are tf.Variable names, as tf.variableGrads keys its result: key the gradients ' +
        'by parameter name, or name each variable like its parameter.'
      : ' Pass the parameters the gradients were computed for.';
    throw new GradientNameError(
      `${where}.applyGradients: no parameter named ${unknown.map((n) => `'${n}'`).join(', ')}. ` +
        `Parameters: ${Object.keys(params).join(', ') || '(none)'}.${hint}`,
    );
  }
  for (const name of names) {
    const param = params[name] as tf.Variable;
    const grad = grads[name] as tf.Tensor;
    if (
      !sameShape(grad.shape, param.shape) ||
      grad.dtype !== 'float32' ||
      param.dtype !== 'float32'
    ) {
      throw new ShapeError(
        `${where}.applyGradients: gradient '${name}' is ${grad.dtype} [${grad.shape}], but its ` +
          `parameter is ${param.dtype} [${param.shape}]; both must be float32 of the same shape.`,
      );
    }
    for (const [slot, variable] of Object.entries(slots.get(name) ?? {})) {
      if (!sameShape(variable.shape, param.shape)) {
        throw new OptimizerStateError(
          `${where}.applyGradients: slot '${slot}' of '${name}' was restored with shape ` +
            `[${variable.shape}], but the parameter has shape [${param.shape}]. ` +
            'The checkpoint comes from a model with a different configuration.',
        );
      }
    }
  }
  return names;
}
