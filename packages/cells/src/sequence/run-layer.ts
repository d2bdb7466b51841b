import * as tf from '@tensorflow/tfjs-core';
import type { CellMath } from '../cell/contract.js';
import type { LayerRun, LayerWeights } from './layer-tape.js';
import type { SequenceMask } from './masks.js';

/**
 * Runs one layer over a time-major sequence.
 *
 * The input projection of all T steps is one matMul on `[T*B, I]`; each step then does one
 * fused `h W_hh^T` matMul. Weights are transposed once here so both are plain matMuls (wasm's
 * transposed-operand matMul is an order of magnitude slower).
 *
 * With a mask, past each length the output is 0 and the state is carried unchanged:
 * `out_t = on * h'`, `h_t = out_t + off * h_{t-1}` (0/1 multipliers keep h' bit-exact).
 */
export function runLayer(
  cell: CellMath,
  x: tf.Tensor3D, // [T, B, I]
  h0: tf.Tensor2D, // [B, H]
  c0: tf.Tensor2D | undefined,
  w: LayerWeights,
  mask: SequenceMask | undefined,
): LayerRun {
  const [time, batch, inSize] = x.shape;
  const gh = w.weightIh.shape[0];
  const x2d = tf.reshape(x, [time * batch, inSize]) as tf.Tensor2D; // [T*B, I]
  const wIhT = tf.transpose(w.weightIh) as tf.Tensor2D; // [I, G*H]
  const wHhT = tf.transpose(w.weightHh) as tf.Tensor2D; // [H, G*H]
  const xp = tf.add(tf.matMul(x2d, wIhT), cell.inputBias(w.biasIh, w.biasHh)); // [T*B, G*H]
  const xps = tf.unstack(tf.reshape(xp, [time, batch, gh])) as tf.Tensor2D[]; // T × [B, G*H]

  const hs = [h0];
  const cs = c0 == null ? [] : [c0];
  const caches: tf.Tensor2D[][] = [];
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < time; t++) {
    const h = hs[t] as tf.Tensor2D;
    const c = cs[t];
    const next = tf.tidy(() => {
      const s = cell.step(xps[t] as tf.Tensor2D, h, c, wHhT, w.biasHh);
      if (mask == null) return { cache: s.cache, out: s.h, h: s.h, c: s.c };
      const on = mask.on[t] as tf.Tensor2D; // [B, 1]
      const off = mask.off[t] as tf.Tensor2D; // [B, 1]
      const out = tf.mul(s.h, on) as tf.Tensor2D; // [B, H]
      return {
        cache: s.cache,
        out,
        h: tf.add(out, tf.mul(h, off)) as tf.Tensor2D,
        c: s.c && c && (tf.add(tf.mul(s.c, on), tf.mul(c, off)) as tf.Tensor2D),
      };
    });
    caches.push(next.cache as tf.Tensor2D[]);
    outs.push(next.out);
    hs.push(next.h);
    if (next.c != null) cs.push(next.c);
  }
  // concat along rows, not tf.stack: one kernel instead of T reshapes and a concat.
  const outputs = tf.reshape(tf.concat(outs, 0), [time, batch, -1]) as tf.Tensor3D; // [T, B, H]
  const slots = caches[0]?.length ?? 0;
  const cache = Array.from({ length: slots }, (_, k) =>
    tf.concat(
      caches.map((c) => c[k] as tf.Tensor2D),
      0,
    ),
  );
  return {
    outputs,
    hLast: hs[time] as tf.Tensor2D,
    cLast: cs[time],
    tape: {
      x: x2d,
      hPrev: tf.concat(hs.slice(0, time), 0), // [T*B, H]: h_0 ... h_{T-1}
      cPrev: cs.length > 0 ? tf.concat(cs.slice(0, time), 0) : undefined,
      cache, // slots × [T*B, ·]
      weightIh: w.weightIh,
      weightHh: w.weightHh,
    },
  };
}
