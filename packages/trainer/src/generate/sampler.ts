import { createStepper, type RecurrentStepper } from '@rnnkit/cells';
import { createRng, DisposedError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import type { CharLM } from '../models/char-lm.js';
import { checkSamplingOptions, drawFromLogits, type SamplingOptions } from './draw-from-logits.js';

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
  /** Runs ids through the network, building the state. */
  prime(ids: ArrayLike<number>): void;
  /** Draws the next id and advances the state with it. */
  next(): number;
  /** Forgets the state and the prime. */
  reset(): void;
  /** Frees the sampler's copy of the weights (wasm heap); the model is untouched. Any later
   *  call but `dispose` throws `DisposedError`. */
  dispose(): void;
}

/**
 * Creates a {@link Sampler} for a character language model.
 *
 * Fast path: the weights are read back once (on the first `prime`/`next`) and each character
 * costs one step of `createStepper` with the dense head — one WebAssembly SIMD call where
 * SIMD runs, else plain JS — and one draw, with no tfjs op or tensor. The snapshot is keyed
 * on the weight variables' data identity: when training assigns new values, the next call
 * reads them again and keeps the state.
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
  let fast: FastModel | undefined;
  // [V] for the character after the last one fed in: a view of the stepper's, valid until
  // the next step or rebuild
  let logits: Float32Array | undefined;
  let started = false; // whether the state holds anything (else it is zeros)
  let disposed = false;
  const alive = (call: string) => {
    if (disposed) {
      throw new DisposedError(
        `Sampler.${call}: the sampler was disposed; create a new one with createSampler.`,
      );
    }
  };

  // The weights are read back once and reused until training assigns new values to any of
  // them; the recurrent state lives in JS and carries over a refresh.
  const current = (): FastModel => {
    if (fast != null && !fast.stale()) return fast;
    const state = fast && started ? fast.stepper.getState() : undefined;
    fast?.stepper.dispose();
    fast = snapshot(model);
    if (state) {
      fast.stepper.setState(state);
      tf.dispose([state.h, state.c as tf.Tensor]);
    }
    return fast;
  };
  const feed = (ids: ArrayLike<number>) => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new ConfigError(`id ${id} at position ${i} is outside the vocabulary [0, ${vocab}).`);
      }
    }
    const m = current();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      m.stepper.step(m.embedding ? m.embedding.subarray(id * m.dim, (id + 1) * m.dim) : id);
    }
    started = true;
    logits = m.stepper.logits();
  };

  return {
    prime(ids) {
      alive('prime');
      if (ids.length === 0) return;
      feed(ids);
    },
    next() {
      alive('next');
      if (!logits) {
        throw new ConfigError('Nothing to continue from: call prime() with at least one id first.');
      }
      const id = drawFromLogits(logits, options, random);
      feed([id]);
      return id;
    },
    reset() {
      alive('reset');
      fast?.stepper.setState();
      started = false;
      logits = undefined;
    },
    dispose() {
      disposed = true;
      fast?.stepper.dispose(); // a second dispose() finds none
      fast = undefined;
      logits = undefined; // a view of the stepper's memory
    },
  };
}

/** The model's weights snapshotted for sampling, with no tfjs op per character. */
interface FastModel {
  stepper: RecurrentStepper; // the recurrent stack and the dense head
  embedding: Float32Array | undefined; // [V, D]
  dim: number;
  stale(): boolean;
}

function snapshot(model: CharLM): FastModel {
  const stepper = createStepper(model.rnn, { head: model.fc });
  const table = model.embedding?.weight;
  const id = table?.dataId;
  return {
    stepper,
    embedding: table ? Float32Array.from(table.dataSync()) : undefined,
    dim: table ? (table.shape[1] as number) : 0,
    stale: () => stepper.stale() || (table !== undefined && table.dataId !== id),
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
