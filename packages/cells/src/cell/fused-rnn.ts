import type { FusedCell } from './fused-cell.js';
import { tanh } from './fused-cell.js';

/** The tanh RNN of `rnn-cell.ts`, fused. Cache row: h' (before masking). */
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
