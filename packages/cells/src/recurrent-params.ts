import type * as tf from '@tensorflow/tfjs-core';
import type { Recurrent } from './recurrent.js';

/**
 * The network's variables under their PyTorch `state_dict` names (`weight_ih_l0`,
 * `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `_l1`, ...), e.g. for an optimizer or for
 * matching gradients from `tf.variableGrads` by name.
 *
 * @example
 * ```ts
 * const params = recurrentParams(rnn);
 * Object.keys(params); // ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
 * ```
 */
export function recurrentParams(rec: Recurrent): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  rec.layers.forEach((layer, l) => {
    params[`weight_ih_l${l}`] = layer.weightIh;
    params[`weight_hh_l${l}`] = layer.weightHh;
    params[`bias_ih_l${l}`] = layer.biasIh;
    params[`bias_hh_l${l}`] = layer.biasHh;
  });
  return params;
}
