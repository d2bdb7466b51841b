import { applyLinear, embed, type RecurrentState, stepRecurrent } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import type { Decoder } from '../models/decoder.js';
import { tidyResult } from '../models/tidy-result.js';

/**
 * One inference step of a decoder for N rows: feeds each row's previous token, returns the
 * log-probabilities as float64 JS rows (decoding chooses tokens in JS) and the new state.
 * The caller disposes the returned state.
 */
export function decoderStep(
  dec: Decoder,
  tokens: ArrayLike<number>, // [N]
  state: RecurrentState,
): { logProbs: Float64Array[]; state: RecurrentState } {
  const n = tokens.length;
  const out = tidyResult(() => {
    const ids = tf.tensor2d(Int32Array.from(tokens), [n, 1], 'int32');
    const x = tf.reshape(embed(dec.embedding, ids), [n, dec.config.embeddingDim]) as tf.Tensor2D;
    const step = stepRecurrent(dec.rnn, x, state);
    const logProbs = tf.logSoftmax(applyLinear(dec.fc, step.output)); // [N, V]
    return { logProbs, state: step.state };
  });
  const flat = out.logProbs.dataSync();
  out.logProbs.dispose();
  const v = dec.config.vocabSize;
  const rows = Array.from({ length: n }, (_, i) =>
    Float64Array.from(flat.subarray(i * v, (i + 1) * v)),
  );
  return { logProbs: rows, state: out.state };
}

/** Frees a state's tensors. */
export function disposeState(state: RecurrentState): void {
  tf.dispose([state.h, ...(state.c ? [state.c] : [])]);
}
