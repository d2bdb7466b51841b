import * as tf from '@tensorflow/tfjs-core';
import type { CellMath } from './contract.js';

/**
 * GRU (PyTorch `nn.GRU`, gate blocks r, z, n; Keras `GRU(reset_after=True)`):
 *
 *     r  = σ(x W_ir^T + b_ir + h W_hr^T + b_hr)
 *     z  = σ(x W_iz^T + b_iz + h W_hz^T + b_hz)
 *     n  = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))
 *     h' = (1 - z) * n + z * h
 *
 * The reset gate multiplies the recurrent term after the matmul, bias included, so `b_hh`
 * cannot be folded into the input projection: it is added per step.
 *
 * Backward, given dh', with `hn = h W_hn^T + b_hn`:
 *
 *     da_n = dh' * (1 - z) * (1 - n^2)
 *     da_z = dh' * (h - n) * z(1-z)
 *     da_r = da_n * hn * r(1-r)
 *     d(x-projection) = [da_r, da_z, da_n]    d(h-projection) = [da_r, da_z, da_n * r]
 *     dh_prev = dh' * z + d(h-projection) W_hh
 */
export const gruCell: CellMath = {
  inputBias: (biasIh) => biasIh,

  step(xp, h, _c, wHhT, biasHh) {
    const hidden = h.shape[1];
    const hp = tf.add(tf.matMul(h, wHhT), biasHh); // [B, 3H]
    const [xrz, xn] = tf.split(xp, [2 * hidden, hidden], 1) as [tf.Tensor2D, tf.Tensor2D];
    const [hrz, hn] = tf.split(hp, [2 * hidden, hidden], 1) as [tf.Tensor2D, tf.Tensor2D];
    const rz = tf.sigmoid(tf.add(xrz, hrz)); // [B, 2H]
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as tf.Tensor2D; // [B, H]
    const hNew = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D; // [B, H]
    return { h: hNew, cache: [r, z, n, hn] };
  },

  backward(dh, _dc, cache, h) {
    const [r, z, n, hn] = cache as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const dan = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n))); // [B, H]
    const daz = tf.mul(tf.mul(dh, tf.sub(h, n)), tf.mul(z, tf.sub(1, z)));
    const dar = tf.mul(tf.mul(dan, hn), tf.mul(r, tf.sub(1, r)));
    return {
      dGatesX: tf.concat([dar, daz, dan], 1) as tf.Tensor2D, // [B, 3H]
      dGatesH: tf.concat([dar, daz, tf.mul(dan, r)], 1) as tf.Tensor2D, // [B, 3H]
      dhDirect: tf.mul(dh, z) as tf.Tensor2D,
    };
  },
};
