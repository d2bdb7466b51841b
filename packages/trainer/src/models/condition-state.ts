import { applyLinear, type Linear, type Recurrent, type RecurrentState } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { tidyResult } from './tidy-result.js';

/**
 * A recurrent state made from a conditioning vector (a class one-hot, an image feature, …),
 * the start of a one-to-many network:
 *
 *   s = tanh(v W^T + b)  [B, K·L·H]  →  h (and c for LSTM) of [L, B, H]   (K = 2 for LSTM, else 1)
 *
 * `lin` must map the vector's width to K·L·H, e.g. `createLinear(C, conditionWidth(rnn))`.
 *
 * @example
 * ```ts
 * const cond = createLinear(numClasses, conditionWidth(dec.rnn));
 * const state = conditionState(cond, oneHotClasses, dec.rnn);
 * const ids = greedyDecode(dec, state, { startToken: 0, endToken: 1, maxLength: 16 });
 * ```
 */
export function conditionState(lin: Linear, vector: tf.Tensor2D, rnn: Recurrent): RecurrentState {
  const { numLayers: l, hiddenSize: h } = rnn.config;
  const k = rnn.config.cell === 'lstm' ? 2 : 1;
  const width = lin.weight.shape[0];
  if (width !== conditionWidth(rnn)) {
    throw new ConfigError(
      `conditionState: the linear layer gives ${width} values per example, the state needs ` +
        `${conditionWidth(rnn)} (${k > 1 ? '2 × ' : ''}${l} layers × ${h} units): ` +
        'create it with createLinear(C, conditionWidth(rnn)).',
    );
  }
  return tidyResult(() => {
    const batch = vector.shape[0];
    const s = tf.tanh(applyLinear(lin, vector)); // [B, K·L·H]
    const stacked = tf.transpose(tf.reshape(s, [batch, k * l, h]), [1, 0, 2]) as tf.Tensor3D; // [K·L, B, H]
    if (k === 1) return { h: stacked };
    const [hs, cs] = tf.split(stacked, 2, 0) as [tf.Tensor3D, tf.Tensor3D];
    return { h: hs, c: cs };
  });
}

/** Values per example a conditioning layer must produce for `rnn`'s state. */
export function conditionWidth(rnn: Recurrent): number {
  const { cell, numLayers, hiddenSize } = rnn.config;
  return (cell === 'lstm' ? 2 : 1) * numLayers * hiddenSize;
}
