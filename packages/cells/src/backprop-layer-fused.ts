import * as tf from '@tensorflow/tfjs-core';
import type { LayerGrads } from './backprop-layer.js';
import { BACKWARD_KERNEL } from './fused-kernels.js';
import { plainMatMul } from './plain-matmul.js';
import type { CellType } from './recurrent.js';
import type { LayerTape } from './run-layer.js';

/**
 * `backpropLayer` on a backend with rnnkit's fused kernels: the per-step recurrence as one
 * kernel (see `recurrent-backward-kernel.ts`), then every gradient that does not depend on
 * the next step as one op over all steps:
 *
 *     dW_ih = dG_x^T X      db_ih = Σ dG_x      dX = dG_x W_ih
 *     dW_hh = dG_h^T H_prev db_hh = Σ dG_h
 */
export function backpropLayerFused(
  cellType: CellType,
  tape: LayerTape,
  dOut: tf.Tensor2D, // [T*B, H] time-major
  dhLast: tf.Tensor2D, // [B, H]
  dcLast: tf.Tensor2D | undefined,
  on: tf.Tensor1D | undefined, // [T*B]
): LayerGrads {
  const [batch, hidden] = dhLast.shape;
  const time = dOut.shape[0] / batch;
  const inputs: tf.NamedTensorMap = {
    dOut,
    dhLast,
    hs: tape.h,
    cache: tape.cache[0] as tf.Tensor2D,
    weightHh: tape.weightHh,
  };
  if (dcLast && tape.c) {
    inputs.dcLast = dcLast;
    inputs.cs = tape.c;
  }
  if (on) inputs.on = on;
  const attrs = { cell: cellType, time, batch, hidden };
  const res = tf.engine().runKernel(BACKWARD_KERNEL, inputs, attrs) as tf.Tensor2D[];
  const lstm = cellType === 'lstm';
  const dGx = res[0] as tf.Tensor2D; // [T*B, G*H]
  const dh0 = res[1] as tf.Tensor2D;
  const dc0 = lstm ? res[2] : undefined;
  const dGh = cellType === 'gru' ? (res[2] as tf.Tensor2D) : dGx; // [T*B, G*H]
  const hPrev = tf.slice(tape.h, [0, 0], [time * batch, hidden]) as tf.Tensor2D; // h_0..h_{T-1}
  const dGxT = tf.transpose(dGx) as tf.Tensor2D; // [G*H, T*B]
  const dGhT = dGh === dGx ? dGxT : (tf.transpose(dGh) as tf.Tensor2D);
  const dBiasIh = tf.sum(dGx, 0) as tf.Tensor1D;
  return {
    dx: plainMatMul(dGx, tape.weightIh), // [T*B, I]
    dh0,
    dc0,
    dWeightIh: plainMatMul(dGxT, tape.x), // [G*H, I]
    dWeightHh: plainMatMul(dGhT, hPrev), // [G*H, H]
    dBiasIh,
    // A clone, not the same tensor: each input must own its gradient (callers dispose them).
    dBiasHh: dGh === dGx ? tf.clone(dBiasIh) : (tf.sum(dGh, 0) as tf.Tensor1D),
  };
}
