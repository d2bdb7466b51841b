import * as tf from '@tensorflow/tfjs-core';
import type { CellType } from '../cell/cell-type.js';
import type { CellMath } from '../cell/contract.js';
import { plainMatMul } from '../kernels/matmul.js';
import { FORWARD_KERNEL, type RecurrentKernelAttrs } from '../kernels/recurrent-contract.js';
import { ensureRecurrentKernels } from '../kernels/recurrent-kernels.js';
import { fastTranspose } from '../kernels/transpose.js';
import type { LayerRun, LayerWeights } from './layer-tape.js';

/**
 * `runLayer` on a backend with rnnkit's fused kernels: the input projection of all steps as
 * one matMul, then the whole recurrence as one kernel (see `kernels/recurrent-forward.ts`).
 * The tape keeps the kernel's cache as its single slot.
 */
export function runLayerFused(
  cellType: CellType,
  cell: CellMath,
  x: tf.Tensor3D, // [T, B, I]
  h0: tf.Tensor2D, // [B, H]
  c0: tf.Tensor2D | undefined,
  w: LayerWeights,
  on: tf.Tensor1D | undefined, // [T*B] 0/1
  keras: Partial<RecurrentKernelAttrs> = {}, // activations, carry: empty on the default path
): LayerRun {
  const [time, batch, inSize] = x.shape;
  const hidden = h0.shape[1];
  const x2d = tf.reshape(x, [time * batch, inSize]) as tf.Tensor2D; // [T*B, I]
  const wIhT = fastTranspose(w.weightIh) as tf.Tensor2D; // [I, G*H]
  const wHhT = fastTranspose(w.weightHh) as tf.Tensor2D; // [H, G*H]
  const xp = tf.add(plainMatMul(x2d, wIhT), cell.inputBias(w.biasIh, w.biasHh)); // [T*B, G*H]
  const inputs: tf.NamedTensorMap = { xp, h0, wHhT };
  if (c0) inputs.c0 = c0;
  if (cellType === 'gru') inputs.biasHh = w.biasHh;
  if (on) inputs.on = on;
  const attrs = { cell: cellType, time, batch, hidden, ...keras };
  ensureRecurrentKernels();
  const res = tf.engine().runKernel(FORWARD_KERNEL, inputs, attrs) as tf.Tensor2D[];
  const [hPrev, hLast, cPrev, cLast, cache, outs] = (c0
    ? res
    : [res[0], res[1], undefined, undefined, res[2], res[3]]) as (tf.Tensor2D | undefined)[] as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D | undefined,
    tf.Tensor2D | undefined,
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  return {
    outputs: tf.reshape(outs, [time, batch, hidden]) as tf.Tensor3D, // [T, B, H]
    hLast,
    cLast,
    tape: {
      x: x2d,
      hPrev,
      cPrev,
      cache: [cache],
      weightIh: w.weightIh,
      weightHh: w.weightHh,
    },
  };
}
