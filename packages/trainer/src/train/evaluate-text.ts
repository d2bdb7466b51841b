import type { RecurrentState } from '@rnnkit/cells';
import { bitsPerChar, perplexity } from '@rnnkit/optim';
import type { TokenIds } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { type TextStreams, textStreams, windowAt } from '../data/text-streams.js';
import { TrainingDataError } from '../errors.js';
import { type CharLM, charLMLoss } from '../models/char-lm.js';
import { intOption } from './train-config.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';

/** How well a model predicts a text. */
export interface EvalResult {
  /** Mean cross-entropy in nats per character. */
  loss: number;
  /** The same in bits per character: loss / ln 2. */
  bitsPerChar: number;
  /** exp(loss): the effective number of equally likely next characters. */
  perplexity: number;
  /** Characters predicted. */
  chars: number;
}

/**
 * Mean loss of the model over every window of `streams`, with the state carried from window to
 * window as in training (starting from zeros). Awaits the event loop between windows, so a
 * long evaluation never blocks its caller for more than one forward pass.
 *
 * @example
 * ```ts
 * const { loss, bitsPerChar } = await evaluateStreams(model, split.val);
 * ```
 */
export async function evaluateStreams(
  model: CharLM,
  streams: TextStreams,
  onProgress?: (done: number, total: number) => void,
): Promise<EvalResult> {
  const { streams: B, seqLength: T, windows } = streams;
  let state: RecurrentState | undefined;
  let total = 0;
  try {
    for (let k = 0; k < windows; k++) {
      const { x, y } = windowAt(streams, k);
      const out = tf.tidy(() => {
        // The fused head + loss of training (no logits tensor on cpu and wasm).
        const ids = tf.tensor2d(x, [B, T], 'int32');
        const targets = tf.tensor2d(y, [B, T], 'int32');
        const { loss, state: next } = charLMLoss(model, ids, targets, state);
        return next.c ? [loss, next.h, next.c] : [loss, next.h];
      });
      if (state) tf.dispose([state.h, state.c as tf.Tensor]);
      const [loss, h, c] = out as [tf.Tensor, tf.Tensor3D, tf.Tensor3D | undefined];
      state = c ? { h, c } : { h };
      total += (loss.dataSync()[0] as number) * B * T;
      loss.dispose();
      onProgress?.(k + 1, windows);
      await yieldToEventLoop();
    }
  } finally {
    if (state) tf.dispose([state.h, state.c as tf.Tensor]);
  }
  const chars = windows * B * T;
  const loss = total / chars;
  return { loss, bitsPerChar: bitsPerChar(loss), perplexity: perplexity(loss), chars };
}

/**
 * Evaluates a model on ids of a whole text, read as up to `batchSize` streams of windows of
 * `seqLength` (shorter when the text is short). Every character after the first is predicted
 * once, except a remainder shorter than one window per stream at the end. Throws `ConfigError`
 * for a batch size or sequence length that is not a positive integer, and `TrainingDataError`
 * for fewer than 2 ids or an id outside the model's vocabulary.
 *
 * @example
 * ```ts
 * const r = await evaluateText(model, tokenizer.encode(text), { batchSize: 32, seqLength: 64 });
 * console.log(`${r.loss.toFixed(4)} nats/char, ${r.bitsPerChar.toFixed(4)} bits/char`);
 * ```
 */
export async function evaluateText(
  model: CharLM,
  ids: TokenIds,
  options: {
    batchSize?: number;
    seqLength?: number;
    /** Called after each window with the windows done and their total, e.g. for a progress bar. */
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<EvalResult> {
  const batchSize = intOption('batchSize', options.batchSize, 32);
  const seqLength = intOption('seqLength', options.seqLength, 64);
  if (ids.length < 2) {
    throw new TrainingDataError(
      'The text is too short to evaluate: it needs at least 2 characters (one to predict).',
    );
  }
  checkIds(ids, model.config.vocabSize);
  const T = Math.min(seqLength, ids.length - 1);
  const B = Math.min(batchSize, Math.floor((ids.length - 1) / T));
  return evaluateStreams(model, textStreams(ids, B, T), options.onProgress);
}

/** Every id must name a row of the model's output, or its loss would be NaN. */
function checkIds(ids: TokenIds, vocabSize: number): void {
  const at = ids.findIndex((id) => id < 0 || id >= vocabSize);
  if (at >= 0) {
    throw new TrainingDataError(
      `The text holds id ${ids[at]} at position ${at}, outside the model's vocabulary of ${vocabSize} ids (0 to ${vocabSize - 1}): encode the text with the model's own tokenizer.`,
    );
  }
}
