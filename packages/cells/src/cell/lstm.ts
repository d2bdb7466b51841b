import * as tf from '@tensorflow/tfjs-core';
import { sigmoid, tanh } from './activations.js';
import type { CellMath, FusedCell } from './contract.js';

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

  tapedStep(gi, gh, _h, c) {
    const [i, f, g, o] = tf.split(tf.add(gi, gh), 4, 1) as tf.Tensor[];
    const c2 = tf.add(
      tf.mul(tf.sigmoid(f as tf.Tensor), c as tf.Tensor),
      tf.mul(tf.sigmoid(i as tf.Tensor), tf.tanh(g as tf.Tensor)),
    );
    return { h: tf.mul(tf.sigmoid(o as tf.Tensor), tf.tanh(c2)), c: c2 };
  },
};

/**
 * The equations above, fused (see `FusedCell`). Cache row: i, f, g, o, tanh(c'). Past a
 * sequence's length the state is carried unchanged and the output is 0, so backward passes
 * dh, dc straight through there.
 */
export const fusedLstm: FusedCell = {
  cacheWidth: 5,
  forward({ batch, hidden: H, mm, xp, h, c, hNext, cNext, out, cache, on }) {
    const A = mm.arr;
    const X = xp.arr;
    const K = cache.arr;
    const cp = c as NonNullable<typeof c>;
    const cn = cNext as NonNullable<typeof cNext>;
    for (let b = 0; b < batch; b++) {
      const valid = on == null || on.arr[on.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const ga = mm.off + b * 4 * H + j;
        const gx = xp.off + b * 4 * H + j;
        const i = sigmoid((A[ga] as number) + (X[gx] as number));
        const f = sigmoid((A[ga + H] as number) + (X[gx + H] as number));
        const g = tanh((A[ga + 2 * H] as number) + (X[gx + 2 * H] as number));
        const o = sigmoid((A[ga + 3 * H] as number) + (X[gx + 3 * H] as number));
        const cPrev = cp.arr[cp.off + s] as number;
        // c' is a float32 state: tanh(c') and the next step see the rounded value.
        const cNew = Math.fround(f * cPrev + i * g);
        const tc = tanh(cNew);
        const r = cache.off + b * 5 * H + j;
        K[r] = i;
        K[r + H] = f;
        K[r + 2 * H] = g;
        K[r + 3 * H] = o;
        K[r + 4 * H] = tc;
        out.arr[out.off + s] = valid ? o * tc : 0;
        hNext.arr[hNext.off + s] = valid ? o * tc : (h.arr[h.off + s] as number);
        cn.arr[cn.off + s] = valid ? cNew : cPrev;
      }
    }
  },
  backward({ batch, hidden: H, dh, dc, dOut, cache, c, on, dGx, dGh }) {
    const K = cache.arr;
    const dcb = dc as NonNullable<typeof dc>;
    const cp = c as NonNullable<typeof c>;
    for (let b = 0; b < batch; b++) {
      const valid = on == null || on.arr[on.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const gx = dGx.off + b * 4 * H + j;
        const gh = dGh.off + b * 4 * H + j;
        if (!valid) {
          for (let q = 0; q < 4; q++) dGx.arr[gx + q * H] = 0;
          for (let q = 0; q < 4; q++) dGh.arr[gh + q * H] = 0;
          continue; // dh, dc pass through unchanged
        }
        const dhNew = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
        const r = cache.off + b * 5 * H + j;
        const i = K[r] as number;
        const f = K[r + H] as number;
        const g = K[r + 2 * H] as number;
        const o = K[r + 3 * H] as number;
        const tc = K[r + 4 * H] as number;
        const dcAll = (dcb.arr[dcb.off + s] as number) + dhNew * o * (1 - tc * tc);
        const dai = dcAll * g * (i * (1 - i));
        const daf = dcAll * (cp.arr[cp.off + s] as number) * (f * (1 - f));
        const dag = dcAll * i * (1 - g * g);
        const dao = dhNew * tc * (o * (1 - o));
        dGx.arr[gx] = dai;
        dGx.arr[gx + H] = daf;
        dGx.arr[gx + 2 * H] = dag;
        dGx.arr[gx + 3 * H] = dao;
        dGh.arr[gh] = dai;
        dGh.arr[gh + H] = daf;
        dGh.arr[gh + 2 * H] = dag;
        dGh.arr[gh + 3 * H] = dao;
        dcb.arr[dcb.off + s] = dcAll * f;
        dh.arr[dh.off + s] = 0; // all of dh_prev flows through W_hh
      }
    }
  },
};
