import * as tf from '@tensorflow/tfjs-core';
import type { CellType } from '../cell/cell-type.js';
import { plainMatMul } from '../kernels/matmul.js';
import { BACKWARD_KERNEL, type RecurrentKernelAttrs } from '../kernels/recurrent-contract.js';
import { ensureRecurrentKernels } from '../kernels/recurrent-kernels.js';
import { sliceRows } from '../kernels/rows.js';
import { fastTranspose } from '../kernels/transpose.js';
import type { LayerGrads, LayerTape } from './layer-tape.js';

/**
 * `backpropLayer` on a backend with rnnkit's fused kernels: the per-step recurrence as one
 * kernel (see `kernels/recurrent-backward.ts`), then every gradient that does not depend on
 * the next step as one op over all steps:
 *
 *     dW_ih = dG_x^T X      db_ih = Σ dG_x      dX = dG_x W_ih
 *     dW_hh = dG_h^T H_prev db_hh = Σ dG_h
 */
/** Rows per weight-gradient matMul (T*B = 2048 at batch 32, sequence 64). */
const CHUNK_ROWS = 4096;

export function backpropLayerFused(
  cellType: CellType,
  tape: LayerTape,
  dOut: tf.Tensor2D, // [T*B, H] time-major
  dhLast: tf.Tensor2D, // [B, H]
  dcLast: tf.Tensor2D | undefined,
  on: tf.Tensor1D | undefined, // [T*B]
  chunkRows = CHUNK_ROWS,
  keras: Partial<RecurrentKernelAttrs> = {}, // activations, carry: empty on the default path
): LayerGrads {
  const [batch, hidden] = dhLast.shape;
  const time = dOut.shape[0] / batch;
  const inputs: tf.NamedTensorMap = {
    dOut,
    dhLast,
    hPrev: tape.hPrev,
    cache: tape.cache[0] as tf.Tensor2D,
    weightHh: tape.weightHh,
  };
  if (dcLast && tape.cPrev) {
    inputs.dcLast = dcLast;
    inputs.cPrev = tape.cPrev;
  }
  if (on) inputs.on = on;
  const attrs = { cell: cellType, time, batch, hidden, ...keras };
  ensureRecurrentKernels();
  const res = tf.engine().runKernel(BACKWARD_KERNEL, inputs, attrs) as tf.Tensor2D[];
  const lstm = cellType === 'lstm';
  const gru = cellType === 'gru';
  const [dGx, dh0] = res as [tf.Tensor2D, tf.Tensor2D]; // dGx [T*B, G*H]
  const dc0 = lstm ? res[2] : undefined;
  const dGh = gru ? (res[2] as tf.Tensor2D) : dGx; // [T*B, G*H]
  const [dBiasIh, dBiasHh] = res.slice(-2) as tf.Tensor[] as [tf.Tensor1D, tf.Tensor1D];
  // dW = dG^T Y as (Y^T dG)^T: transposes Y [T*B, I] and the small [I, G*H] product instead
  // of dG [T*B, G*H], which is G times larger.
  const weightGrad = (dG: tf.Tensor2D, y: tf.Tensor2D) => {
    // Summed over chunks of rows: the right operand (dG) is repacked per matMul, and packing
    // a few MB at a time stays in cache where one pack of a long sequence's dG would not.
    const rows = y.shape[0];
    let sum: tf.Tensor2D | undefined;
    for (let r = 0; r < rows; r += chunkRows) {
      const n = Math.min(chunkRows, rows - r);
      // Each chunk's copies are freed before the next: extra memory stays O(chunk).
      const next = tf.tidy(() => {
        const [yc, dc] = n === rows ? [y, dG] : [sliceRows(y, r, n), sliceRows(dG, r, n)];
        const part = plainMatMul(fastTranspose(yc) as tf.Tensor2D, dc as tf.Tensor2D);
        return sum ? (tf.add(sum, part) as tf.Tensor2D) : part;
      });
      sum?.dispose();
      sum = next;
    }
    return fastTranspose(sum as tf.Tensor2D);
  };
  return {
    dx: plainMatMul(dGx, tape.weightIh), // [T*B, I]
    dh0,
    dc0,
    dWeightIh: weightGrad(dGx, tape.x), // [G*H, I]
    dWeightHh: weightGrad(dGh, tape.hPrev), // [G*H, H]
    dBiasIh,
    dBiasHh,
  };
}
