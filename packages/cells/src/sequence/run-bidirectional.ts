import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { dropout } from '../layers/dropout.js';
import type { Recurrent, RecurrentState } from '../recurrent.js';
import type { Bidirectional, BidirectionalState, MergeMode } from './bidirectional.js';
import { reverseSequence } from './reverse-sequence.js';
import { runRecurrent } from './run-recurrent.js';
import { seqLengthsOf } from './seq-lengths.js';

export interface BidirectionalRunOptions {
  /** Valid steps per example; the backward direction starts at each example's own last step. */
  seqLengths?: ArrayLike<number>;
  /** Per-direction states before the first step (`[L, B, H]` each). Default: zeros. */
  initialState?: BidirectionalState;
  /** Apply the inter-layer dropout (default false: inference). Needs `rng`. */
  training?: boolean;
  /** Uniform [0, 1) source for the dropout masks, e.g. `createRng(seed)`. */
  rng?: () => number;
}

export interface BidirectionalResult {
  outputs: tf.Tensor3D; // [B, T, 2H] (concat) or [B, T, H]; zero past each length
  state: BidirectionalState;
}

/**
 * Runs a bidirectional stack. Per layer, with `rev` = {@link reverseSequence} by length:
 *
 *   f = run(forward, x),   b = rev(run(backward, rev(x)))   (same lengths for both)
 *   y = [f, b] (concat) | f + b (sum) | (f + b) / 2 (mean)
 *
 * so `b[t]` has read steps `t .. len - 1` of its own example, never the padding, and every
 * output past an example's length is 0. Differentiable through `runRecurrent`'s BPTT.
 *
 * @example
 * ```ts
 * const { outputs } = runBidirectional(bi, x, { seqLengths: [5, 3] }); // x [2, 5, I]
 * const tags = applyLinear(fc, outputs); // [2, 5, tags]
 * ```
 */
export function runBidirectional(
  bi: Bidirectional,
  x: tf.Tensor3D,
  options: BidirectionalRunOptions = {},
): BidirectionalResult {
  const { numLayers, merge, dropout: rate } = bi.config;
  const [batch = 0, time = 0] = x.shape;
  const seqLengths =
    options.seqLengths && seqLengthsOf(options.seqLengths, batch, time, 'runBidirectional');
  const training = options.training === true && rate > 0;
  if (training && options.rng == null) {
    throw new RangeError(
      'runBidirectional: training with dropout needs `rng` (e.g. createRng(seed)) for the masks.',
    );
  }
  const result = tf.tidy(() => {
    const init = options.initialState;
    const fInit = init && splitLayers(init.forward, numLayers);
    const bInit = init && splitLayers(init.backward, numLayers);
    const finals: { forward: RecurrentState[]; backward: RecurrentState[] } = {
      forward: [],
      backward: [],
    };
    let input = x;
    for (let l = 0; l < numLayers; l++) {
      if (l > 0 && training) {
        input = dropout(input, { rate, rng: options.rng as () => number }) as tf.Tensor3D;
      }
      const f = runRecurrent(bi.forward[l] as Recurrent, input, {
        initialState: fInit?.[l],
        seqLengths,
      });
      const reversed = reverseSequence(input, seqLengths);
      const b = runRecurrent(bi.backward[l] as Recurrent, reversed, {
        initialState: bInit?.[l],
        seqLengths,
      });
      input = mergeDirections(merge, f.outputs, reverseSequence(b.outputs, seqLengths));
      finals.forward.push(f.state);
      finals.backward.push(b.state);
    }
    const state = { forward: joinLayers(finals.forward), backward: joinLayers(finals.backward) };
    return { outputs: input, ...flatState(state) };
  });
  const { outputs, fh, fc, bh, bc } = result as Record<string, tf.Tensor3D>;
  const withC = (h: tf.Tensor3D, c?: tf.Tensor3D): RecurrentState => (c ? { h, c } : { h });
  return {
    outputs: outputs as tf.Tensor3D,
    state: { forward: withC(fh as tf.Tensor3D, fc), backward: withC(bh as tf.Tensor3D, bc) },
  };
}

function mergeDirections(merge: MergeMode, f: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (merge === 'concat') return tf.concat([f, b], 2); // [B, T, 2H]
  const sum = tf.add(f, b) as tf.Tensor3D; // [B, T, H]
  return merge === 'sum' ? sum : (tf.mul(sum, 0.5) as tf.Tensor3D);
}

/** `[L, B, H]` → L states of `[1, B, H]` (split, not unstack: its gradient fails for L = 1). */
function splitLayers(state: RecurrentState, layers: number): RecurrentState[] {
  if (state.h.rank !== 3 || state.h.shape[0] !== layers) {
    throw new ShapeError(
      `runBidirectional initialState: h must be [${layers}, batch, hidden], got [${state.h.shape.join(', ')}].`,
    );
  }
  if (layers === 1) return [state];
  const hs = tf.split(state.h, layers, 0) as tf.Tensor3D[];
  const cs = state.c && (tf.split(state.c, layers, 0) as tf.Tensor3D[]);
  return hs.map((h, l) => (cs ? { h, c: cs[l] as tf.Tensor3D } : { h }));
}

function joinLayers(states: RecurrentState[]): RecurrentState {
  if (states.length === 1) return states[0] as RecurrentState;
  const h = tf.concat(
    states.map((s) => s.h),
    0,
  ) as tf.Tensor3D; // [L, B, H]
  if (states[0]?.c == null) return { h };
  return {
    h,
    c: tf.concat(
      states.map((s) => s.c as tf.Tensor3D),
      0,
    ) as tf.Tensor3D,
  };
}

function flatState(s: BidirectionalState): Record<string, tf.Tensor3D> {
  const out: Record<string, tf.Tensor3D> = { fh: s.forward.h, bh: s.backward.h };
  if (s.forward.c) out.fc = s.forward.c;
  if (s.backward.c) out.bc = s.backward.c;
  return out;
}
