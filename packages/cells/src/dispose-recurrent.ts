import * as tf from '@tensorflow/tfjs-core';
import type { Recurrent } from './recurrent.js';
import { recurrentParams } from './recurrent-params.js';

/**
 * Frees the network's variables; the network must not be used afterwards.
 *
 * @example
 * ```ts
 * disposeRecurrent(rnn);
 * ```
 */
export function disposeRecurrent(rec: Recurrent): void {
  tf.dispose(Object.values(recurrentParams(rec)));
}
