import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { CustomRecurrent } from '../cell/custom-cell.js';
import { RecurrentOptionError } from '../errors.js';
import { dropout } from '../layers/dropout.js';
import type { Recurrent, RecurrentState } from '../recurrent.js';
import type {
  Bidirectional,
  BidirectionalState,
  CustomBidirectional,
  MergeMode,
} from './bidirectional.js';
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
  /**
   * `[B, T]` mask with holes (Keras): the backward direction reads the whole sequence
   * reversed, mask included, as Keras' Bidirectional does. Not with `seqLengths`. cpu/wasm.
   */
  mask?: tf.Tensor2D;
  /** What masked steps output: `'zero'` (default) or `'previous'` (Keras); see `RunOptions`. */
  maskedOutput?: 'zero' | 'previous';
}

export interface BidirectionalResult {
  outputs: tf.Tensor3D; // [B, T, 2H] (concat, none) or [B, T, H]; zero past each length
  state: BidirectionalState;
  /**
   * Keras' output with `return_sequences=False`: the top layer's final forward state merged
   * with its final backward state (the backward direction's last step is t = 0). `[B, 2H]`
   * or `[B, H]`. With `maskedOutput: 'previous'` this is exactly Keras' last output.
   */
  last: tf.Tensor2D;
  /** merge `'none'` only: the top layer's two sequences, each `[B, T, H]`, in input order. */
  directions?: { forward: tf.Tensor3D; backward: tf.Tensor3D };
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
  bi: Bidirectional | CustomBidirectional,
  x: tf.Tensor3D,
  options: BidirectionalRunOptions = {},
): BidirectionalResult {
  const { numLayers, merge, dropout: rate } = bi.config;
  const [batch = 0, time = 0] = x.shape;
  const seqLengths =
    options.seqLengths && seqLengthsOf(options.seqLengths, batch, time, 'runBidirectional');
  const training = options.training === true && rate > 0;
  const { mask, maskedOutput } = options;
  if (mask != null && seqLengths != null) {
    throw new RecurrentOptionError(
      'runBidirectional: give seqLengths or a mask, not both (a mask can hold the lengths too).',
    );
  }
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
    let dirs: Record<string, tf.Tensor3D> = {};
    for (let l = 0; l < numLayers; l++) {
      if (l > 0 && training) {
        input = dropout(input, {
          rate,
          rng: options.rng as () => number,
        }) as tf.Tensor3D;
      }
      const f = runRecurrent(bi.forward[l] as Recurrent | CustomRecurrent, input, {
        initialState: fInit?.[l],
        seqLengths,
        mask,
        maskedOutput,
      });
      // With a mask: Keras' whole-sequence reversal; with lengths: each example's own steps.
      const b = mask
        ? runRecurrent(bi.backward[l] as Recurrent | CustomRecurrent, input, {
            initialState: bInit?.[l],
            mask,
            maskedOutput,
            goBackwards: true,
          })
        : runRecurrent(
            bi.backward[l] as Recurrent | CustomRecurrent,
            reverseSequence(input, seqLengths),
            {
              initialState: bInit?.[l],
              seqLengths,
              maskedOutput,
            },
          );
      const bOut = mask
        ? (tf.reverse(b.outputs, 1) as tf.Tensor3D)
        : reverseSequence(b.outputs, seqLengths);
      if (l === numLayers - 1 && merge === 'none') dirs = { df: f.outputs, db: bOut };
      input = mergeDirections(merge, f.outputs, bOut);
      finals.forward.push(f.state);
      finals.backward.push(b.state);
    }
    const state = {
      forward: joinLayers(finals.forward),
      backward: joinLayers(finals.backward),
    };
    const top = (h: tf.Tensor3D) =>
      tf.reshape(sliceLayer(h, numLayers - 1), [batch, -1]) as tf.Tensor2D;
    const lastF = top(state.forward.h);
    const lastB = top(state.backward.h);
    const last =
      merge === 'none' ? tf.concat([lastF, lastB], 1) : mergeDirections(merge, lastF, lastB);
    return { outputs: input, last, ...dirs, ...flatState(state) };
  });
  const { outputs, fh, fc, bh, bc, last, df, db } = result as unknown as Record<
    string,
    tf.Tensor3D
  >;
  const withC = (h: tf.Tensor3D, c?: tf.Tensor3D): RecurrentState => (c ? { h, c } : { h });
  return {
    outputs: outputs as tf.Tensor3D,
    state: {
      forward: withC(fh as tf.Tensor3D, fc),
      backward: withC(bh as tf.Tensor3D, bc),
    },
    last: last as unknown as tf.Tensor2D,
    ...(df && db ? { directions: { forward: df, backward: db } } : {}),
  };
}

function mergeDirections<T extends tf.Tensor>(merge: MergeMode, f: T, b: T): T {
  if (merge === 'concat' || merge === 'none') return tf.concat([f, b], -1); // [B, T, 2H]
  if (merge === 'mul') return tf.mul(f, b);
  const sum = tf.add(f, b) as T; // [B, T, H]
  return merge === 'sum' ? sum : tf.mul(sum, 0.5);
}

/** Layer l of `[L, B, H]` as `[1, B, H]` (split: a differentiable slice on every backend). */
function sliceLayer(h: tf.Tensor3D, l: number): tf.Tensor3D {
  const layers = h.shape[0];
  if (layers === 1) return h;
  return tf.split(h, layers, 0)[l] as tf.Tensor3D;
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
  const out: Record<string, tf.Tensor3D> = {
    fh: s.forward.h,
    bh: s.backward.h,
  };
  if (s.forward.c) out.fc = s.forward.c;
  if (s.backward.c) out.bc = s.backward.c;
  return out;
}
