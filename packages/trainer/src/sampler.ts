import {
  applyLinear,
  createRng,
  embed,
  oneHot,
  type RecurrentState,
  runRecurrent,
  stepRecurrent,
  zeroState,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import type { CharLM } from './char-lm.js';
import { ConfigError } from './config-error.js';
import { checkSamplingOptions, drawFromLogits, type SamplingOptions } from './sampling.js';
import { tidyResult } from './tidy-result.js';

export interface SamplerOptions extends SamplingOptions {
  /** Seed of the draws; the same seed and prime give the same text. Default 0. */
  seed?: number;
}

/**
 * A stateful generator, one character at a time: `prime` feeds text through the network,
 * `next` draws a character and feeds it back. The recurrent state is kept between calls, so
 * a UI can drive it step by step without re-running the prime.
 */
export interface Sampler {
  /** Runs ids through the network (in one sequence call), building the state. */
  prime(ids: ArrayLike<number>): void;
  /** Draws the next id and advances the state with it. */
  next(): number;
  /** Forgets the state and the prime. */
  reset(): void;
  /** Frees the sampler's tensors; the model is untouched. */
  dispose(): void;
}

/**
 * Creates a {@link Sampler} for a character language model.
 *
 * @example
 * ```ts
 * const sampler = createSampler(model, { seed: 7, temperature: 0.8 });
 * sampler.prime(tokenizer.encode('hi'));
 * let text = '';
 * for (let i = 0; i < 20; i++) text += tokenizer.decode([sampler.next()]);
 * sampler.dispose();
 * ```
 */
export function createSampler(model: CharLM, options: SamplerOptions = {}): Sampler {
  checkSamplingOptions(options);
  const vocab = model.config.vocabSize;
  const random = createRng(options.seed ?? 0);
  let state: RecurrentState | undefined;
  let logits: Float32Array | undefined; // [V], for the character after the last one fed in

  const setState = (next: RecurrentState) => {
    if (state) tf.dispose([state.h, state.c as tf.Tensor]);
    state = next;
  };
  const feed = (ids: ArrayLike<number>) => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new ConfigError(`id ${id} at position ${i} is outside the vocabulary [0, ${vocab}).`);
      }
    }
    const out = tidyResult(() => {
      const init = state ?? zeroState(model.rnn, 1);
      if (ids.length === 1) {
        // One step: the cell's step function, no sequence machinery.
        const x = tf.tensor2d([ids[0] as number], [1, 1], 'int32');
        const input = model.embedding ? embed(model.embedding, x) : oneHot(x, vocab); // [1, 1, I]
        const step = stepRecurrent(model.rnn, tf.reshape(input, [1, -1]) as tf.Tensor2D, init);
        return { last: applyLinear(model.fc, step.output), state: step.state };
      }
      const x = tf.tensor2d(Array.from(ids), [1, ids.length], 'int32');
      const input = model.embedding ? embed(model.embedding, x) : oneHot(x, vocab);
      const run = runRecurrent(model.rnn, input, { initialState: init }); // [1, T, H]
      const lastOut = tf.slice(run.outputs, [0, ids.length - 1, 0], [1, 1, -1]);
      return { last: applyLinear(model.fc, tf.reshape(lastOut, [1, -1])), state: run.state };
    });
    setState(out.state);
    logits = out.last.dataSync() as Float32Array;
    out.last.dispose();
  };

  return {
    prime(ids) {
      if (ids.length === 0) return;
      feed(ids);
    },
    next() {
      if (!logits) {
        throw new ConfigError('Nothing to continue from: call prime() with at least one id first.');
      }
      const id = drawFromLogits(logits, options, random);
      feed([id]);
      return id;
    },
    reset() {
      if (state) tf.dispose([state.h, state.c as tf.Tensor]);
      state = undefined;
      logits = undefined;
    },
    dispose() {
      this.reset();
    },
  };
}

/**
 * Generates `length` ids after `prime` (which must not be empty).
 *
 * @example
 * ```ts
 * const ids = sample(model, tokenizer.encode('h'), 5, { greedy: true });
 * console.log(tokenizer.decode(ids));
 * ```
 */
export function sample(
  model: CharLM,
  prime: ArrayLike<number>,
  length: number,
  options: SamplerOptions = {},
): Int32Array {
  if (prime.length === 0) throw new ConfigError('prime must hold at least one id to start from.');
  if (!Number.isInteger(length) || length < 0) {
    throw new ConfigError(`length must be a non-negative integer, got ${length}.`);
  }
  const sampler = createSampler(model, options);
  try {
    sampler.prime(prime);
    const out = new Int32Array(length);
    for (let i = 0; i < length; i++) out[i] = sampler.next();
    return out;
  } finally {
    sampler.dispose();
  }
}
