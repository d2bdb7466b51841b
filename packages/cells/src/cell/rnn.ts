import * as tf from '@tensorflow/tfjs-core';
import type { CellMath } from './contract.js';

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
};
