import * as tf from '@tensorflow/tfjs-core';
import type { CellMath } from './contract.js';

/**
 * LSTM (PyTorch `nn.LSTM`, gate blocks i, f, g, o; Keras `LSTM` with sigmoid recurrent
 * activation). With `a = x W_ih^T + b_ih + h W_hh^T + b_hh` split into four blocks:
 *
 *     i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 *     c' = f * c + i * g
 *     h' = o * tanh(c')
 *
 * Backward, given dh' and dc' (from the next step):
 *
 *     dc  = dc' + dh' * o * (1 - tanh(c')^2)
 *     da_i = dc * g * i(1-i)    da_f = dc * c * f(1-f)
 *     da_g = dc * i * (1-g^2)   da_o = dh' * tanh(c') * o(1-o)
 *     dc_prev = dc * f          (dh_prev = da W_hh is the runner's matmul)
 */
export const lstmCell: CellMath = {
  inputBias: (biasIh, biasHh) => tf.add(biasIh, biasHh),

  step(xp, h, c, wHhT) {
    const a = tf.add(xp, tf.matMul(h, wHhT)); // [B, 4H]
    const [ai, af, ag, ao] = tf.split(a, 4, 1) as tf.Tensor2D[];
    const i = tf.sigmoid(ai as tf.Tensor2D);
    const f = tf.sigmoid(af as tf.Tensor2D);
    const g = tf.tanh(ag as tf.Tensor2D);
    const o = tf.sigmoid(ao as tf.Tensor2D);
    const cNew = tf.add(tf.mul(f, c as tf.Tensor2D), tf.mul(i, g)) as tf.Tensor2D; // [B, H]
    const tanhC = tf.tanh(cNew);
    const hNew = tf.mul(o, tanhC) as tf.Tensor2D; // [B, H]
    return { h: hNew, c: cNew, cache: [i, f, g, o, tanhC] };
  },

  backward(dh, dc, cache, _h, c) {
    const [i, f, g, o, tanhC] = cache as tf.Tensor2D[] as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ];
    const dcAll = tf.add(dc as tf.Tensor2D, tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tanhC))));
    const dai = tf.mul(tf.mul(dcAll, g), tf.mul(i, tf.sub(1, i)));
    const daf = tf.mul(tf.mul(dcAll, c as tf.Tensor2D), tf.mul(f, tf.sub(1, f)));
    const dag = tf.mul(tf.mul(dcAll, i), tf.sub(1, tf.square(g)));
    const dao = tf.mul(tf.mul(dh, tanhC), tf.mul(o, tf.sub(1, o)));
    const da = tf.concat([dai, daf, dag, dao], 1) as tf.Tensor2D; // [B, 4H]
    return { dGatesX: da, dGatesH: da, dcPrev: tf.mul(dcAll, f) as tf.Tensor2D };
  },
};
