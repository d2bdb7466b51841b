import { dropoutMask, ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { CellMath } from '../cell/contract.js';
import { cellMath } from '../cell/registry.js';
import {
  type Recurrent,
  type RecurrentLayer,
  type RecurrentState,
  zeroState,
} from '../recurrent.js';
import { type RunResult, runRecurrent } from './run-recurrent.js';
import { seqLengthsOf } from './seq-lengths.js';

export interface VariationalOptions {
  /** Dropout rate on each layer's input, in [0, 1). Default 0. */
  inputRate?: number;
  /** Dropout rate on the previous state `h` where it enters `W_hh`, in [0, 1). Default 0. */
  recurrentRate?: number;
  /** Apply the dropout (default false: then this is exactly `runRecurrent`). Needs `rng`. */
  training?: boolean;
  /** Uniform [0, 1) source for the masks, e.g. `createRng(seed)`. */
  rng?: () => number;
  seqLengths?: ArrayLike<number>;
  initialState?: RecurrentState;
}

/**
 * Variational dropout (Gal & Ghahramani 2016; Keras `dropout` / `recurrent_dropout`): one mask
 * per sequence and layer on the input and one on the recurrent state, the same at every step,
 *
 *   a_t = (x_t ⊙ m_x) W_ih^T + b_ih + (h_{t-1} ⊙ m_h) W_hh^T + b_hh,   m ~ Bernoulli(1 - p) / (1 - p)
 *
 * then the cell's usual gates; the carried state itself is not masked. One mask serves every
 * gate (Keras `implementation=2`; per-gate masks would cost G matmuls instead of one).
 *
 * In training this runs the steps with tfjs's own op gradients, not `runRecurrent`'s fused
 * BPTT: slower per step, meant for the small models where recurrent dropout matters. With
 * `training` false (inference) it is `runRecurrent`.
 *
 * @example
 * ```ts
 * const run = runVariational(lstm, x, { inputRate: 0.2, recurrentRate: 0.2, training: true, rng });
 * run.outputs; // [B, T, H]
 * ```
 */
export function runVariational(
  rec: Recurrent,
  x: tf.Tensor3D,
  options: VariationalOptions = {},
): RunResult {
  const { inputRate = 0, recurrentRate = 0, training = false, rng, initialState } = options;
  for (const [name, p] of [
    ['inputRate', inputRate],
    ['recurrentRate', recurrentRate],
  ] as const) {
    if (!(p >= 0 && p < 1))
      throw new RangeError(`runVariational: ${name} must be in [0, 1), got ${String(p)}.`);
  }
  if (!training || (inputRate === 0 && recurrentRate === 0)) {
    return runRecurrent(rec, x, { initialState, seqLengths: options.seqLengths });
  }
  if (rng == null)
    throw new RangeError(
      'runVariational: training needs `rng` (e.g. createRng(seed)) for the masks.',
    );
  const [batch = 0, time = 0] = x.shape;
  const lengths = seqLengthsOf(options.seqLengths, batch, time, 'runVariational');
  const want = [rec.config.numLayers, batch, rec.config.hiddenSize];
  if (x.rank !== 3 || x.shape[2] !== rec.config.inputSize || x.dtype !== 'float32') {
    throw new ShapeError(
      `runVariational: x must be float32 [batch, time, ${rec.config.inputSize}], got ${x.dtype} [${x.shape.join(', ')}].`,
    );
  }
  for (const [name, t] of [
    ['h', initialState?.h],
    ['c', initialState?.c],
  ] as const) {
    const needed = name === 'h' || rec.config.cell === 'lstm';
    if (initialState && needed && (t == null || t.shape.some((d, k) => d !== want[k]))) {
      throw new ShapeError(`runVariational: initialState.${name} must be [${want.join(', ')}].`);
    }
  }
  const masks = rec.layers.map((layer) => ({
    x: drawMask(batch, layer.weightIh.shape[1] as number, inputRate, rng),
    h: drawMask(batch, rec.config.hiddenSize, recurrentRate, rng),
  }));
  return runWithMasks(rec, x, masks, lengths, initialState);
}

/** A `[B, n]` inverted-dropout mask: 0 or 1/(1 - p), drawn row by row from `rng`. */
export function drawMask(batch: number, n: number, p: number, rng: () => number): Float32Array {
  return dropoutMask(batch * n, p, rng);
}

/** The training path with given masks (exported for the tests). */
export function runWithMasks(
  rec: Recurrent,
  x: tf.Tensor3D,
  masks: { x: Float32Array; h: Float32Array }[],
  lengths: Int32Array,
  initialState?: RecurrentState,
): RunResult {
  const { cell, numLayers, hiddenSize: n } = rec.config;
  const [batch, time] = x.shape;
  const math = cellMath(cell);
  return tf.tidy(() => {
    const state = initialState ?? zeroState(rec, batch);
    const perLayer = (t: tf.Tensor3D | undefined) =>
      t &&
      (numLayers === 1
        ? [tf.reshape(t, [batch, n])]
        : tf.split(t, numLayers, 0).map((s) => tf.reshape(s, [batch, n])));
    const h0 = perLayer(state.h) as tf.Tensor2D[];
    const c0 = perLayer(state.c);
    const on = Array.from({ length: time }, (_, t) =>
      tf.tensor2d(
        Array.from(lengths, (len) => (t < len ? 1 : 0)),
        [batch, 1],
      ),
    );
    let steps =
      time === 1
        ? [tf.reshape(x, [batch, x.shape[2]])]
        : tf.split(x, time, 1).map((s) => tf.reshape(s, [batch, x.shape[2]]));
    const hN: tf.Tensor[] = [];
    const cN: tf.Tensor[] = [];
    rec.layers.forEach((layer, l) => {
      const mx = tf.tensor2d(masks[l]?.x as Float32Array, [
        batch,
        layer.weightIh.shape[1] as number,
      ]);
      const mh = tf.tensor2d(masks[l]?.h as Float32Array, [batch, n]);
      let h = h0[l] as tf.Tensor;
      let c = c0?.[l] as tf.Tensor;
      const outs: tf.Tensor[] = [];
      steps.forEach((xt, t) => {
        const next = tapedLayerStep(math, layer, tf.mul(xt, mx), h, tf.mul(h, mh), c);
        const valid = on[t] as tf.Tensor2D; // [B, 1]: past its length an example keeps its state
        h = tf.add(tf.mul(valid, next.h), tf.mul(tf.sub(1, valid), h));
        if (c) c = tf.add(tf.mul(valid, next.c as tf.Tensor), tf.mul(tf.sub(1, valid), c));
        outs.push(tf.mul(valid, next.h));
      });
      steps = outs;
      hN.push(tf.expandDims(h, 0));
      if (c) cN.push(tf.expandDims(c, 0));
    });
    const outputs = tf.concat(
      steps.map((s) => tf.expandDims(s, 1)),
      1,
    ) as tf.Tensor3D; // [B, T, H]
    const h = tf.concat(hN, 0) as tf.Tensor3D; // [L, B, H]
    return (
      cell === 'lstm' ? { outputs, state: { h, c: tf.concat(cN, 0) } } : { outputs, state: { h } }
    ) as never;
  }) as RunResult;
}

/**
 * One step of one layer in plain tfjs ops recorded on the tape (their kernel gradients, not
 * the fused BPTT): the two projections here, the gates in the cell's `tapedStep`. `hIn` is the
 * h fed to `W_hh` (masked by variational dropout); the GRU's carry `z·h` uses the true `h`.
 */
function tapedLayerStep(
  math: CellMath,
  w: RecurrentLayer,
  x: tf.Tensor,
  h: tf.Tensor,
  hIn: tf.Tensor,
  c: tf.Tensor | undefined,
): { h: tf.Tensor; c?: tf.Tensor } {
  const gi = tf.add(tf.matMul(x, tf.transpose(w.weightIh)), w.biasIh); // [B, G*H]
  const gh = tf.add(tf.matMul(hIn, tf.transpose(w.weightHh)), w.biasHh); // [B, G*H]
  return math.tapedStep(gi, gh, h, c);
}
