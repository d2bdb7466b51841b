import type { RecurrentState } from '@rnnkit/cells';
import { ConfigError } from '../errors.js';
import type { Decoder } from '../models/decoder.js';
import { decoderStep, disposeState } from './decoder-step.js';

export interface DecodeOptions {
  /** Token fed at the first step (the decoder's "go" symbol). */
  startToken: number;
  /** Stop a row when it emits this token (not included in the result). Default: none. */
  endToken?: number;
  /** Most tokens produced per row (one-to-many: exactly this many when there is no end token). */
  maxLength: number;
}

/**
 * Greedy decoding, and the one-to-many driver: from an initial state (an encoder's final
 * state, or one made from a conditioning vector), feed back the most likely token each step,
 *
 *   y_t = argmax_v log p(v | y_<t, state),   y_{-1} = startToken
 *
 * for every row at once, until each row emits `endToken` or `maxLength` tokens.
 * Does not take ownership of `state`.
 *
 * @example
 * ```ts
 * const ids = greedyDecode(dec, encoderState, { startToken: 1, endToken: 2, maxLength: 20 });
 * ids[0]; // number[]: the first row's tokens, without the end token
 * ```
 */
export function greedyDecode(
  dec: Decoder,
  state: RecurrentState,
  options: DecodeOptions,
): number[][] {
  checkDecodeOptions(dec, options);
  const rows = state.h.shape[1];
  const out: number[][] = Array.from({ length: rows }, () => []);
  const done = new Array<boolean>(rows).fill(false);
  let tokens = new Array<number>(rows).fill(options.startToken);
  let current = state;
  for (let t = 0; t < options.maxLength && done.some((d) => !d); t++) {
    const step = decoderStep(dec, tokens, current);
    if (current !== state) disposeState(current);
    current = step.state;
    tokens = step.logProbs.map(argMax);
    tokens.forEach((token, r) => {
      if (done[r]) return;
      if (token === options.endToken) done[r] = true;
      else out[r]?.push(token);
    });
  }
  if (current !== state) disposeState(current);
  return out;
}

/** Index of the largest value, the first on ties (as `tf.argMax`). */
export function argMax(row: ArrayLike<number>): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if ((row[v] as number) > (row[best] as number)) best = v;
  return best;
}

export function checkDecodeOptions(dec: Decoder, options: DecodeOptions): void {
  const { vocabSize } = dec.config;
  const tokens: [string, number | undefined][] = [
    ['startToken', options.startToken],
    ['endToken', options.endToken],
  ];
  for (const [name, id] of tokens) {
    if (id !== undefined && !(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new ConfigError(`${name} must be a token id in [0, ${vocabSize}), got ${String(id)}.`);
    }
  }
  if (!Number.isInteger(options.maxLength) || options.maxLength < 1) {
    throw new ConfigError(
      `maxLength must be a whole number >= 1, got ${String(options.maxLength)}.`,
    );
  }
}
