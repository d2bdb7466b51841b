import { kernelBackend } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { cellMath } from '../cell/registry.js';
import { RecurrentOptionError } from '../errors.js';
import { kerasAttrs } from '../kernels/recurrent-contract.js';
import { sliceRows } from '../kernels/rows.js';
import { fastTranspose } from '../kernels/transpose.js';
import type { Recurrent } from '../recurrent.js';
import { backpropLayer } from './backprop-layer.js';
import { backpropLayerFused } from './backprop-layer-fused.js';
import type { LayerGrads, LayerWeights } from './layer-tape.js';
import { sequenceMask, sequenceOn } from './masks.js';
import { packTensors } from './pack-tensors.js';
import { runLayer } from './run-layer.js';
import { runLayerFused } from './run-layer-fused.js';

/**
 * The whole stacked sequence run as one differentiable op with its own gradient (BPTT).
 *
 * Inputs, in order: `x [B, T, I]`, `h0 [L, B, H]`, `c0 [L, B, H]` (LSTM only), then per layer
 * `weightIh, weightHh, biasIh, biasHh`: every tensor that gets a gradient must be an input of
 * the customGrad, variables included, or `tf.variableGrads` would not see it.
 *
 * Output: one tensor `[T + L (+ L), B, H]` = top-layer outputs (time-major), final h of every
 * layer, final c (LSTM), because a customGrad returns a single tensor. `runRecurrent` splits it.
 *
 * Without this, the tape would record every small op of every step and tfjs-core's matMul
 * gradient would use transposed-operand matMuls, which wasm runs 10–20× slower.
 */
export function sequenceOp(
  rec: Recurrent,
  lengths: Int32Array | undefined,
  keras: KerasRun = {},
): (...inputs: tf.Tensor[]) => tf.Tensor3D {
  const { cell, numLayers, activation, recurrentActivation } = rec.config;
  const attrs = kerasAttrs(
    activation ?? 'tanh',
    recurrentActivation ?? 'sigmoid',
    keras.carry === true,
  );
  const special = Object.keys(attrs).length > 0 || keras.mask != null;
  // [T*B] 0/1 from lengths and/or a [B, T] mask (rebuilt for the backward pass: the mask is
  // the caller's and outlives the gradient; what is derived from it here does not).
  const onOf = (time: number) => {
    const fromLengths = lengths ? sequenceOn(lengths, time) : undefined;
    if (keras.mask == null) return fromLengths;
    // float before reverse: wasm's Reverse mishandles bool tensors.
    const m0 = tf.cast(keras.mask, 'float32');
    const src = keras.reverseMask ? tf.reverse(m0, 1) : m0;
    const m = tf.reshape(tf.transpose(src), [-1]) as tf.Tensor1D;
    return fromLengths ? (tf.mul(m, fromLengths) as tf.Tensor1D) : m;
  };
  const math = cellMath(cell);
  const lstm = cell === 'lstm';
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x, h0, ...rest] = args as tf.Tensor[];
    const c0 = lstm ? (rest.shift() as tf.Tensor3D) : undefined;
    const weights = groupWeights(rest);
    const [batch, time] = (x as tf.Tensor3D).shape;
    // On cpu and wasm the per-step recurrence runs as one rnnkit kernel per layer; elsewhere
    // as tfjs ops step by step.
    const fused = kernelBackend() != null;
    if (special && !fused) {
      throw new RecurrentOptionError(
        `runRecurrent: ${Object.keys(attrs)
          .concat(keras.mask ? ['mask'] : [])
          .join(', ')} ` +
          `run in rnnkit's fused kernels, which the ${tf.getBackend()} backend lacks: use the cpu or wasm backend.`,
      );
    }
    const on = fused ? onOf(time) : undefined;
    const mask = !fused && lengths ? sequenceMask(lengths, time) : undefined;
    const h0s = tf.unstack(h0 as tf.Tensor3D) as tf.Tensor2D[];
    const c0s = c0 && (tf.unstack(c0) as tf.Tensor2D[]);

    let input = fastTranspose(x as tf.Tensor3D, [1, 0, 2]); // [T, B, I]
    const hLast: tf.Tensor2D[] = [];
    const cLast: tf.Tensor2D[] = [];
    const tapes = weights.map((w, l) => {
      const h0l = h0s[l] as tf.Tensor2D;
      const run = fused
        ? runLayerFused(cell, math, input, h0l, c0s?.[l], w, on, attrs)
        : runLayer(math, input, h0l, c0s?.[l], w, mask);
      input = run.outputs; // [T, B, H]
      hLast.push(run.hLast);
      if (run.cLast) cLast.push(run.cLast);
      return run.tape;
    });
    const hN = tf.stack(hLast); // [L, B, H]
    const cN = lstm ? [tf.stack(cLast)] : [];
    const value = tf.concat([input, hN, ...cN], 0) as tf.Tensor3D; // [T + L (+ L), B, H]

    const packed = packTensors(tapes);
    save(packed.tensors);
    const gradFunc = (dy: tf.Tensor3D, saved: tf.Tensor[]): tf.Tensor[] =>
      tf.tidy(() => {
        const saveTapes = packed.unpack(saved);
        const backOn = fused ? onOf(time) : undefined;
        const backMask = !fused && lengths ? sequenceMask(lengths, time) : undefined;
        const parts = [sliceRows(dy, 0, time), sliceRows(dy, time, numLayers)];
        if (lstm) parts.push(sliceRows(dy, time + numLayers, numLayers));
        const dhN = tf.unstack(parts[1] as tf.Tensor3D) as tf.Tensor2D[];
        const dcN = lstm ? (tf.unstack(parts[2] as tf.Tensor3D) as tf.Tensor2D[]) : [];
        let dOut = parts[0] as tf.Tensor3D; // [T, B, H]
        const grads: LayerGrads[] = new Array(numLayers);
        for (let l = numLayers - 1; l >= 0; l--) {
          const tape = saveTapes[l] as (typeof tapes)[number];
          const dhl = dhN[l] as tf.Tensor2D;
          const g = fused
            ? backpropLayerFused(
                cell,
                tape,
                tf.reshape(dOut, [-1, dhl.shape[1]]),
                dhl,
                dcN[l],
                backOn,
                undefined,
                attrs,
              )
            : backpropLayer(math, tape, tf.unstack(dOut) as tf.Tensor2D[], dhl, dcN[l], backMask);
          grads[l] = g;
          dOut = tf.reshape(g.dx, [time, batch, tape.x.shape[1]]); // [T, B, I_l]
        }
        return [
          fastTranspose(dOut, [1, 0, 2]), // [B, T, I]
          tf.stack(grads.map((g) => g.dh0)), // [L, B, H]
          ...(lstm ? [tf.stack(grads.map((g) => g.dc0 as tf.Tensor2D))] : []),
          ...grads.flatMap((g) => [g.dWeightIh, g.dWeightHh, g.dBiasIh, g.dBiasHh]),
        ];
      });
    return { value, gradFunc };
  });
}

/** A run's Keras options beyond the config: a [B, T] mask and what masked steps output. */
export interface KerasRun {
  mask?: tf.Tensor2D;
  /** Use the mask reversed along time (goBackwards). */
  reverseMask?: boolean;
  /** Masked steps output the previous state (Keras) rather than 0. */
  carry?: boolean;
}

function groupWeights(flat: tf.Tensor[]): LayerWeights[] {
  const layers: LayerWeights[] = [];
  for (let i = 0; i < flat.length; i += 4) {
    const [weightIh, weightHh, biasIh, biasHh] = flat.slice(i, i + 4) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    layers.push({ weightIh, weightHh, biasIh, biasHh });
  }
  return layers;
}
