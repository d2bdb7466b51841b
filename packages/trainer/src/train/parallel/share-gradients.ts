import type { RecurrentState } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { type CharLM, charLMLoss, charLMParams } from '../../models/char-lm.js';
import { dropoutLoss } from '../dropout-train-step.js';

/** One share of a data-parallel step: its streams' inputs and what the whole batch needs. */
export interface ShareInput {
  /** `[b, T]` int32 inputs and targets of this share's streams. */
  x: tf.Tensor2D;
  y: tf.Tensor2D;
  /** This share's rows of the carried state `[L, b, H]`; zeros when absent. */
  initialState?: RecurrentState;
  /** b / B: the share's part of the batch mean, so that the shares' losses and gradients sum. */
  scale: number;
  /** Dropout rate and this share's rows of every mask (`[b, T, H]`), when training with dropout. */
  dropout?: { rate: number; masks: Float32Array[] };
}

/** What one share gives back: everything as plain arrays, ready to sum or to post. */
export interface ShareResult {
  /** The share's scaled loss: summed over shares, the batch's mean loss. */
  loss: number;
  /** The gradients of the scaled loss, parameters in `charLMParams` order, concatenated. */
  grads: Float32Array;
  /** The share's final state rows, `[L, b, H]` row-major. */
  h: Float32Array;
  c?: Float32Array;
}

/**
 * Loss, gradients and final state of one share of a batch, written into `grads` (length: every
 * parameter's size, in `charLMParams` order). The single place both the main thread and the
 * training workers compute a share, so every share runs the same code.
 */
export function shareGradients(model: CharLM, input: ShareInput, grads: Float32Array): ShareResult {
  const params = charLMParams(model);
  const hs: tf.Tensor3D[] = [];
  const cs: tf.Tensor3D[] = [];
  let state: RecurrentState | undefined;
  const [value, ...named] = tf.tidy(() => {
    const lossFn = () => {
      const loss = input.dropout
        ? dropoutLoss(
            model,
            input.x,
            input.y,
            {
              dropout: input.dropout.rate,
              masks: input.dropout.masks,
              initialState: input.initialState,
            },
            hs,
            cs,
          )
        : charLMLossKeepingState(model, input, (s) => {
            state = s;
          });
      return input.scale === 1 ? loss : (tf.mul(loss, input.scale) as tf.Scalar);
    };
    const { value: v, grads: g } = tf.variableGrads(lossFn, Object.values(params));
    return [v, ...Object.values(params).map((p) => g[p.name] as tf.Tensor)];
  });
  let offset = 0;
  for (const g of named) {
    grads.set(g.dataSync() as Float32Array, offset);
    offset += g.size;
  }
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...named]);
  if (input.dropout) {
    state = tf.tidy(() => {
      const h = tf.concat(hs, 0) as tf.Tensor3D;
      return cs.length > 0 ? { h, c: tf.concat(cs, 0) as tf.Tensor3D } : { h };
    });
    tf.dispose([...hs, ...cs]);
  }
  const s = state as RecurrentState;
  const result: ShareResult = { loss, grads, h: Float32Array.from(s.h.dataSync()) };
  if (s.c) result.c = Float32Array.from(s.c.dataSync());
  tf.dispose([s.h, s.c as tf.Tensor]);
  return result;
}

function charLMLossKeepingState(
  model: CharLM,
  input: ShareInput,
  keep: (s: RecurrentState) => void,
): tf.Scalar {
  // The fused head + loss, as the one-thread trainStep computes it.
  const out = charLMLoss(model, input.x, input.y, input.initialState);
  keep(
    out.state.c
      ? { h: tf.keep(out.state.h), c: tf.keep(out.state.c) }
      : { h: tf.keep(out.state.h) },
  );
  return out.loss;
}

/** Sizes of the parameters in `charLMParams` order, and their total. */
export function paramLayout(model: CharLM): { names: string[]; shapes: number[][]; size: number } {
  const params = charLMParams(model);
  const names = Object.keys(params);
  const shapes = names.map((n) => [...(params[n] as tf.Variable).shape]);
  const size = shapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
  return { names, shapes, size };
}

/** Every parameter's values, concatenated in `charLMParams` order, into `out`. */
export function readParams(model: CharLM, out: Float32Array): void {
  let offset = 0;
  for (const p of Object.values(charLMParams(model))) {
    out.set(p.dataSync() as Float32Array, offset);
    offset += p.size;
  }
}

/** Sets every parameter from `flat` (the layout of {@link readParams}). */
export function writeParams(model: CharLM, flat: Float32Array): void {
  let offset = 0;
  for (const p of Object.values(charLMParams(model))) {
    const values = flat.subarray(offset, offset + p.size);
    offset += p.size;
    // A copy: the cpu backend would otherwise keep `flat` itself, which the next step overwrites.
    tf.tidy(() => p.assign(tf.tensor(values.slice(), p.shape, 'float32')));
  }
}

/** A share as plain arrays, as it travels to a worker. */
export interface ShareArrays {
  x: Int32Array;
  y: Int32Array;
  streams: number;
  seqLength: number;
  scale: number;
  /** Carried state rows `[L, b, H]`, or absent for zeros. */
  h?: Float32Array;
  c?: Float32Array;
  dropout?: { rate: number; masks: Float32Array[] };
}

/** {@link shareGradients} from plain arrays, freeing the tensors it makes. */
export function shareGradientsOf(model: CharLM, a: ShareArrays, grads: Float32Array): ShareResult {
  const { numLayers: L, hiddenSize: H } = model.config;
  const shape = [a.streams, a.seqLength] as [number, number];
  const state3 = (v: Float32Array) => tf.tensor3d(v, [L, a.streams, H]);
  const made: tf.Tensor[] = [];
  try {
    const x = tf.tensor2d(a.x, shape, 'int32');
    const y = tf.tensor2d(a.y, shape, 'int32');
    made.push(x, y);
    let initialState: RecurrentState | undefined;
    if (a.h) {
      const h = state3(a.h);
      made.push(h);
      initialState = { h };
      if (a.c) {
        initialState.c = state3(a.c);
        made.push(initialState.c);
      }
    }
    return shareGradients(model, { x, y, initialState, scale: a.scale, dropout: a.dropout }, grads);
  } finally {
    tf.dispose(made);
  }
}
