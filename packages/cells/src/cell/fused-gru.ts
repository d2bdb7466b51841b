import type { FusedCell } from './fused-cell.js';
import { sigmoid, tanh } from './fused-cell.js';

/**
 * The GRU equations of `gru-cell.ts` (reset after the recurrent matmul, b_hh added per step),
 * fused. Cache row: r, z, n, hn = h W_hn^T + b_hn.
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
