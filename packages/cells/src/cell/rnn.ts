import * as tf from '@tensorflow/tfjs-core';
import { tanh } from './activations.js';
import type { CellMath, FusedCell } from './contract.js';

/**
 * Vanilla tanh RNN (PyTorch `nn.RNN`, Keras `SimpleRNN`):
 *
 *     h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)
 *
 * Backward, with a = the pre-activation: `da = dh' * (1 - h'^2)`; `dh = da W_hh` is the
 * runner's matmul.
 */
export const rnnCell: CellMath = {
  // Both biases enter the same sum, so they are added once for all steps.
  inputBias: (biasIh, biasHh) => tf.add(biasIh, biasHh),

  step(xp, h, _c, wHhT) {
    const hNew = tf.tanh(tf.add(xp, tf.matMul(h, wHhT))) as tf.Tensor2D; // [B, H]
    return { h: hNew, cache: [hNew] };
  },

  backward(dh, _dc, cache) {
    const [hNew] = cache as [tf.Tensor2D];
    const da = tf.mul(dh, tf.sub(1, tf.square(hNew))) as tf.Tensor2D; // [B, H]
    return { dGatesX: da, dGatesH: da };
  },

  tapedStep: (gi, gh) => ({ h: tf.tanh(tf.add(gi, gh)) }),
};

/** The equations above, fused (see `FusedCell`). Cache row: h' (before masking). */
export const fusedRnn: FusedCell = {
  cacheWidth: 1,
  forward({ batch, hidden: H, mm, xp, h, hNext, out, cache, on }) {
    for (let b = 0; b < batch; b++) {
      const valid = on == null || on.arr[on.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const a = (mm.arr[mm.off + s] as number) + (xp.arr[xp.off + s] as number);
        const hNew = tanh(a);
        cache.arr[cache.off + s] = hNew;
        out.arr[out.off + s] = valid ? hNew : 0;
        hNext.arr[hNext.off + s] = valid ? hNew : (h.arr[h.off + s] as number);
      }
    }
  },
  backward({ batch, hidden: H, dh, dOut, cache, on, dGx, dGh }) {
    for (let b = 0; b < batch; b++) {
      const valid = on == null || on.arr[on.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        if (!valid) {
          dGx.arr[dGx.off + s] = 0;
          dGh.arr[dGh.off + s] = 0;
          continue; // dh passes through unchanged
        }
        const hNew = Math.fround(cache.arr[cache.off + s] as number);
        const dhNew = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
        const da = dhNew * (1 - hNew * hNew);
        dGx.arr[dGx.off + s] = da;
        dGh.arr[dGh.off + s] = da;
        dh.arr[dh.off + s] = 0;
      }
    }
  },
};
