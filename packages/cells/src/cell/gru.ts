import * as tf from '@tensorflow/tfjs-core';
import { sigmoid, tanh } from './activations.js';
import type { CellMath, FusedCell } from './contract.js';

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

  tapedStep(gi, gh, h) {
    const [xr, xz, xn] = tf.split(gi, 3, 1) as tf.Tensor[];
    const [hr, hz, hn] = tf.split(gh, 3, 1) as tf.Tensor[];
    const r = tf.sigmoid(tf.add(xr as tf.Tensor, hr as tf.Tensor));
    const z = tf.sigmoid(tf.add(xz as tf.Tensor, hz as tf.Tensor));
    const nn = tf.tanh(tf.add(xn as tf.Tensor, tf.mul(r, hn as tf.Tensor)));
    return { h: tf.add(tf.mul(tf.sub(1, z), nn), tf.mul(z, h)) };
  },
};

/**
 * The equations above (reset after the recurrent matmul, b_hh added per step), fused (see
 * `FusedCell`). Cache row: r, z, n, hn = h W_hn^T + b_hn.
 */
export const fusedGru: FusedCell = {
  cacheWidth: 4,
  forward({ batch, hidden: H, mm, xp, bias, h, hNext, out, cache, on }) {
    const A = mm.arr;
    const X = xp.arr;
    const K = cache.arr;
    const bh = bias as NonNullable<typeof bias>;
    for (let b = 0; b < batch; b++) {
      const valid = on == null || on.arr[on.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const ga = mm.off + b * 3 * H + j;
        const gx = xp.off + b * 3 * H + j;
        const bj = bh.off + j;
        // float32 roundings where the op-by-op version stores an intermediate tensor
        const hr = Math.fround((A[ga] as number) + (bh.arr[bj] as number));
        const hz = Math.fround((A[ga + H] as number) + (bh.arr[bj + H] as number));
        const hn = Math.fround((A[ga + 2 * H] as number) + (bh.arr[bj + 2 * H] as number));
        const r = Math.fround(sigmoid((X[gx] as number) + hr));
        const z = Math.fround(sigmoid((X[gx + H] as number) + hz));
        const n = Math.fround(tanh((X[gx + 2 * H] as number) + Math.fround(r * hn)));
        const hPrev = h.arr[h.off + s] as number;
        const hNew = n + z * Math.fround(hPrev - n);
        const k = cache.off + b * 4 * H + j;
        K[k] = r;
        K[k + H] = z;
        K[k + 2 * H] = n;
        K[k + 3 * H] = hn;
        out.arr[out.off + s] = valid ? hNew : 0;
        hNext.arr[hNext.off + s] = valid ? hNew : hPrev;
      }
    }
  },
  backward({ batch, hidden: H, dh, dOut, cache, h, on, dGx, dGh, dGhRows }) {
    const K = cache.arr;
    const rows = dGhRows as NonNullable<typeof dGhRows>;
    for (let b = 0; b < batch; b++) {
      const valid = on == null || on.arr[on.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const gx = dGx.off + b * 3 * H + j;
        const gh = dGh.off + b * 3 * H + j;
        const gr = rows.off + b * 3 * H + j;
        if (!valid) {
          for (let q = 0; q < 3; q++) {
            dGx.arr[gx + q * H] = 0;
            dGh.arr[gh + q * H] = 0;
            rows.arr[gr + q * H] = 0;
          }
          continue; // dh passes through unchanged
        }
        const dhNew = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
        const k = cache.off + b * 4 * H + j;
        const r = K[k] as number;
        const z = K[k + H] as number;
        const n = K[k + 2 * H] as number;
        const hn = K[k + 3 * H] as number;
        const dan = dhNew * (1 - z) * (1 - n * n);
        const daz = dhNew * ((h.arr[h.off + s] as number) - n) * (z * (1 - z));
        const dar = dan * hn * (r * (1 - r));
        dGx.arr[gx] = dar;
        dGx.arr[gx + H] = daz;
        dGx.arr[gx + 2 * H] = dan;
        dGh.arr[gh] = dar;
        dGh.arr[gh + H] = daz;
        dGh.arr[gh + 2 * H] = dan * r;
        rows.arr[gr] = dar;
        rows.arr[gr + H] = daz;
        rows.arr[gr + 2 * H] = dan * r;
        dh.arr[dh.off + s] = dhNew * z; // the part of dh_prev that skips W_hh
      }
    }
  },
};
