import type { RecurrentState } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import type { Decoder } from '../models/decoder.js';
import { decoderStep, disposeState } from './decoder-step.js';
import { checkDecodeOptions, type DecodeOptions } from './greedy-decode.js';

export interface BeamSearchOptions extends DecodeOptions {
  /** Hypotheses kept per example (K). 1 is greedy decoding. */
  beamWidth: number;
  /**
   * GNMT length normalisation α for the final choice: score / ((5 + len) / 6)^α.
   * Default 0: the plain sum of log-probabilities.
   */
  lengthPenalty?: number;
}

export interface BeamResult {
  /** Best hypothesis per example, without the end token. */
  ids: number[][];
  /** Its summed log-probability (end token included when emitted). */
  scores: number[];
}

/**
 * Beam search: per example, keep the K partial sequences with the highest summed
 * log-probability; each step extends every live one by every token and keeps the best K of the
 * K·V candidates. A hypothesis that emits `endToken` is finished: it stays in the beam with a
 * frozen score. Stops when every hypothesis is finished or after `maxLength` tokens. All
 * B·K rows step together through the decoder; the state is reordered by parent with a gather.
 *
 * @example
 * ```ts
 * const { ids, scores } = beamSearch(dec, state, { beamWidth: 4, startToken: 1, endToken: 2, maxLength: 20 });
 * ```
 */
export function beamSearch(
  dec: Decoder,
  state: RecurrentState,
  options: BeamSearchOptions,
): BeamResult {
  checkDecodeOptions(dec, options);
  const { beamWidth: k, endToken, maxLength, lengthPenalty = 0 } = options;
  if (!Number.isInteger(k) || k < 1) {
    throw new ConfigError(`beamWidth must be a whole number >= 1, got ${String(k)}.`);
  }
  const batch = state.h.shape[1];
  // Row b*K + j is hypothesis j of example b; only hypothesis 0 is live at first, so the
  // first step does not fill the beam with K copies of the same token.
  let current = reorder(
    state,
    Array.from({ length: batch * k }, (_, r) => Math.floor(r / k)),
  );
  let seqs: number[][] = Array.from({ length: batch * k }, () => []);
  let scores = Array.from({ length: batch * k }, (_, r) => (r % k === 0 ? 0 : -Infinity));
  let done = new Array<boolean>(batch * k).fill(false);
  let tokens = new Array<number>(batch * k).fill(options.startToken);
  for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
    const step = decoderStep(dec, tokens, current);
    disposeState(current);
    const parents: number[] = [];
    const next = {
      seqs: [] as number[][],
      scores: [] as number[],
      done: [] as boolean[],
      tokens: [] as number[],
    };
    for (let b = 0; b < batch; b++) {
      const candidates: { parent: number; token: number; score: number }[] = [];
      for (let j = 0; j < k; j++) {
        const r = b * k + j;
        const s = scores[r] as number;
        if (s === -Infinity) continue;
        if (done[r]) {
          candidates.push({ parent: r, token: -1, score: s });
          continue;
        }
        const lp = step.logProbs[r] as Float64Array;
        lp.forEach((p, token) => {
          candidates.push({ parent: r, token, score: s + p });
        });
      }
      candidates.sort((x, y) => y.score - x.score);
      for (let j = 0; j < k; j++) {
        const c = candidates[j];
        const parent = c?.parent ?? b * k;
        parents.push(parent);
        const finished = c == null || c.token === -1 || c.token === endToken;
        next.seqs.push(
          c && c.token >= 0 && c.token !== endToken
            ? [...(seqs[parent] as number[]), c.token]
            : [...(seqs[parent] as number[])],
        );
        next.scores.push(c?.score ?? -Infinity);
        next.done.push(finished);
        next.tokens.push(c && c.token >= 0 ? c.token : options.startToken);
      }
    }
    current = reorder(step.state, parents);
    disposeState(step.state);
    ({ seqs, scores, done, tokens } = next);
  }
  disposeState(current);
  const norm = (len: number) => ((5 + len) / 6) ** lengthPenalty;
  const ids: number[][] = [];
  const best: number[] = [];
  for (let b = 0; b < batch; b++) {
    let pick = b * k;
    for (let j = 1; j < k; j++) {
      const r = b * k + j;
      const better = (scores[r] as number) / norm((seqs[r] as number[]).length);
      if (better > (scores[pick] as number) / norm((seqs[pick] as number[]).length)) pick = r;
    }
    ids.push(seqs[pick] as number[]);
    best.push(scores[pick] as number);
  }
  return { ids, scores: best };
}

/** New state whose row r is row `rows[r]` of `state` (a forward gather; no gradient needed). */
function reorder(state: RecurrentState, rows: number[]): RecurrentState {
  return tf.tidy(() => {
    const index = tf.tensor1d(rows, 'int32');
    const h = tf.gather(state.h, index, 1) as tf.Tensor3D;
    return (state.c ? { h, c: tf.gather(state.c, index, 1) as tf.Tensor3D } : { h }) as never;
  }) as RecurrentState;
}
