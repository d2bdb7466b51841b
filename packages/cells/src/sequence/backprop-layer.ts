import * as tf from '@tensorflow/tfjs-core';
import type { CellMath } from '../cell/contract.js';
import type { LayerGrads, LayerTape } from './layer-tape.js';
import type { SequenceMask } from './masks.js';

/**
 * Backprop through time for one layer.
 *
 * Only what truly depends on the next step runs per step: the cell's elementwise backward and
 * `dh_prev = dgates W_hh` (a plain matMul). The per-step gate gradients are stacked into
 * `dG [T*B, G*H]` and everything else is one op over all steps:
 *
 *     dW_ih = dG_x^T X      db_ih = Σ dG_x      dX = dG_x W_ih
 *     dW_hh = dG_h^T H_prev db_hh = Σ dG_h
 *
 * With a mask, `d h'_t = on * (dh_t + dout_t)` and the frozen part `off * dh_t` goes straight
 * to `dh_{t-1}` (likewise for c).
 */
export function backpropLayer(
  cell: CellMath,
  tape: LayerTape,
  dOutputs: tf.Tensor2D[], // T × [B, H]
  dhLast: tf.Tensor2D, // [B, H]
  dcLast: tf.Tensor2D | undefined,
  mask: SequenceMask | undefined,
): LayerGrads {
  const time = dOutputs.length;
  const batch = dhLast.shape[0];
  const perStep = (t: tf.Tensor2D) =>
    tf.unstack(tf.reshape(t, [-1, batch, t.shape[1]])) as tf.Tensor2D[];
  const hs = perStep(tape.hPrev); // T × [B, H]
  const cs = tape.cPrev ? perStep(tape.cPrev) : [];
  const slots = tape.cache.map(perStep); // slots × T × [B, ·]
  const dgx: tf.Tensor2D[] = new Array(time);
  const dgh: tf.Tensor2D[] = new Array(time);
  let dh = dhLast;
  let dc = dcLast;
  for (let t = time - 1; t >= 0; t--) {
    const step = tf.tidy(() => {
      let dhNew = tf.add(dh, dOutputs[t] as tf.Tensor2D) as tf.Tensor2D; // [B, H]
      let dcNew = dc;
      let dhCarry: tf.Tensor2D | undefined;
      let dcCarry: tf.Tensor2D | undefined;
      if (mask != null) {
        const on = mask.on[t] as tf.Tensor2D;
        const off = mask.off[t] as tf.Tensor2D;
        dhCarry = tf.mul(dh, off) as tf.Tensor2D;
        dhNew = tf.mul(dhNew, on) as tf.Tensor2D;
        if (dc != null) {
          dcCarry = tf.mul(dc, off) as tf.Tensor2D;
          dcNew = tf.mul(dc, on) as tf.Tensor2D;
        }
      }
      const cache = slots.map((slot) => slot[t] as tf.Tensor2D);
      const g = cell.backward(dhNew, dcNew, cache, hs[t] as tf.Tensor2D, cs[t]);
      let dhPrev: tf.Tensor2D = tf.matMul(g.dGatesH, tape.weightHh); // [B, H]
      if (g.dhDirect != null) dhPrev = tf.add(dhPrev, g.dhDirect) as tf.Tensor2D;
      if (dhCarry != null) dhPrev = tf.add(dhPrev, dhCarry) as tf.Tensor2D;
      let dcPrev = g.dcPrev;
      if (dcPrev != null && dcCarry != null) dcPrev = tf.add(dcPrev, dcCarry) as tf.Tensor2D;
      return { dh: dhPrev, dc: dcPrev, dgx: g.dGatesX, dgh: g.dGatesH };
    });
    dh = step.dh;
    dc = step.dc;
    dgx[t] = step.dgx;
    dgh[t] = step.dgh;
  }

  const dGx = tf.concat(dgx, 0); // [T*B, G*H]
  const dGh = dgh[0] === dgx[0] ? dGx : tf.concat(dgh, 0); // [T*B, G*H]
  const dGxT = tf.transpose(dGx); // [G*H, T*B]
  const dGhT = dGh === dGx ? dGxT : tf.transpose(dGh);
  const dBiasIh = tf.sum(dGx, 0) as tf.Tensor1D;
  return {
    dx: tf.matMul(dGx, tape.weightIh), // [T*B, I]
    dh0: dh,
    dc0: dc,
    dWeightIh: tf.matMul(dGxT, tape.x), // [G*H, I]
    dWeightHh: tf.matMul(dGhT, tape.hPrev) as tf.Tensor2D, // [G*H, H]
    dBiasIh,
    // A clone, not the same tensor: each input must own its gradient (callers dispose them).
    dBiasHh: dGh === dGx ? tf.clone(dBiasIh) : (tf.sum(dGh, 0) as tf.Tensor1D),
  };
}
