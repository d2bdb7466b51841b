import type { RecurrentState } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { type CharLM, charLMLogits } from '../models/char-lm.js';

/**
 * Greedy prediction: the most likely next id at every step, `[B, T]` int32.
 *
 * @example
 * ```ts
 * const prediction = predict(model, x); // the lecture's tf.argmax(outputs, axis=2)
 * console.log(tokenizer.decode(prediction.dataSync()));
 * ```
 */
export function predict(
  model: CharLM,
  ids: tf.Tensor2D, // [B, T] int32
  initialState?: RecurrentState,
): tf.Tensor2D {
  return tf.tidy(() => tf.argMax(charLMLogits(model, ids, initialState).logits, 2) as tf.Tensor2D);
}
