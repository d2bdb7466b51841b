import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Recurrent, RecurrentState } from './recurrent.js';

/**
 * All-zero initial state for a batch of `batch` sequences (`c` too for LSTM).
 *
 * @example
 * ```ts
 * const s = zeroState(lstm, 8); // s.h, s.c: [L, 8, H]
 * ```
 */
export function zeroState(rec: Recurrent, batch: number): RecurrentState {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new ShapeError(`zeroState: batch must be a whole number >= 1, got ${String(batch)}.`);
  }
  const { cell, numLayers, hiddenSize } = rec.config;
  const shape: [number, number, number] = [numLayers, batch, hiddenSize];
  return cell === 'lstm' ? { h: tf.zeros(shape), c: tf.zeros(shape) } : { h: tf.zeros(shape) };
}
