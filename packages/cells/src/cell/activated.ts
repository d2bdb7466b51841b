import type { CellActivations } from './activations.js';
import type { CellType } from './cell-type.js';
import type { BackwardIO, ForwardIO } from './contract.js';

// The fused steps for non-default activations (Keras `activation` / `recurrent_activation`
// other than tanh / sigmoid), kept apart from the default steps in rnn.ts, lstm.ts and gru.ts
// so that those stay exactly as they are (and free for SIMD kernels). Same cache layouts and
// equations with f = act, σ = rec; derivatives are taken from the saved outputs. The
// activation pair is chosen once per layer call, never per element.

type Step = (io: ForwardIO, a: CellActivations) => void;
type Back = (io: BackwardIO, a: CellActivations) => void;

/** masked step output: 0 (rnnkit) or the previous state (Keras, `carry`). */
const masked = (io: ForwardIO, s: number) => (io.carry ? (io.h.arr[io.h.off + s] as number) : 0);

const rnnForward: Step = (io, { act }) => {
  const { batch, hidden: H, mm, xp, h, hNext, out, cache, on } = io;
  for (let b = 0; b < batch; b++) {
    const valid = on == null || on.arr[on.off + b] !== 0;
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const hNew = Math.fround(
        act.f((mm.arr[mm.off + s] as number) + (xp.arr[xp.off + s] as number)),
      );
      cache.arr[cache.off + s] = hNew;
      out.arr[out.off + s] = valid ? hNew : masked(io, s);
      hNext.arr[hNext.off + s] = valid ? hNew : (h.arr[h.off + s] as number);
    }
  }
};

const rnnBackward: Back = (io, { act }) => {
  const { batch, hidden: H, dh, dOut, cache, on, dGx, dGh } = io;
  for (let b = 0; b < batch; b++) {
    const valid = on == null || on.arr[on.off + b] !== 0;
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      if (!valid) {
        dGx.arr[dGx.off + s] = 0;
        dGh.arr[dGh.off + s] = 0;
        if (io.carry)
          dh.arr[dh.off + s] = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
        continue;
      }
      const dhNew = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
      const da = dhNew * act.df(cache.arr[cache.off + s] as number);
      dGx.arr[dGx.off + s] = da;
      dGh.arr[dGh.off + s] = da;
      dh.arr[dh.off + s] = 0;
    }
  }
};

const lstmForward: Step = (io, { act, rec }) => {
  const { batch, hidden: H, mm, xp, h, c, hNext, cNext, out, cache, on } = io;
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
      const i = Math.fround(rec.f((A[ga] as number) + (X[gx] as number)));
      const f = Math.fround(rec.f((A[ga + H] as number) + (X[gx + H] as number)));
      const g = Math.fround(act.f((A[ga + 2 * H] as number) + (X[gx + 2 * H] as number)));
      const o = Math.fround(rec.f((A[ga + 3 * H] as number) + (X[gx + 3 * H] as number)));
      const cPrev = cp.arr[cp.off + s] as number;
      const cNew = Math.fround(f * cPrev + i * g);
      const tc = Math.fround(act.f(cNew));
      const r = cache.off + b * 5 * H + j;
      K[r] = i;
      K[r + H] = f;
      K[r + 2 * H] = g;
      K[r + 3 * H] = o;
      K[r + 4 * H] = tc;
      out.arr[out.off + s] = valid ? o * tc : masked(io, s);
      hNext.arr[hNext.off + s] = valid ? o * tc : (h.arr[h.off + s] as number);
      cn.arr[cn.off + s] = valid ? cNew : cPrev;
    }
  }
};

const lstmBackward: Back = (io, { act, rec }) => {
  const { batch, hidden: H, dh, dc, dOut, cache, c, on, dGx, dGh } = io;
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
        if (io.carry)
          dh.arr[dh.off + s] = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
        continue;
      }
      const dhNew = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
      const r = cache.off + b * 5 * H + j;
      const i = K[r] as number;
      const f = K[r + H] as number;
      const g = K[r + 2 * H] as number;
      const o = K[r + 3 * H] as number;
      const tc = K[r + 4 * H] as number;
      const dcAll = (dcb.arr[dcb.off + s] as number) + dhNew * o * act.df(tc);
      const dai = dcAll * g * rec.df(i);
      const daf = dcAll * (cp.arr[cp.off + s] as number) * rec.df(f);
      const dag = dcAll * i * act.df(g);
      const dao = dhNew * tc * rec.df(o);
      dGx.arr[gx] = dai;
      dGx.arr[gx + H] = daf;
      dGx.arr[gx + 2 * H] = dag;
      dGx.arr[gx + 3 * H] = dao;
      dGh.arr[gh] = dai;
      dGh.arr[gh + H] = daf;
      dGh.arr[gh + 2 * H] = dag;
      dGh.arr[gh + 3 * H] = dao;
      dcb.arr[dcb.off + s] = dcAll * f;
      dh.arr[dh.off + s] = 0;
    }
  }
};

const gruForward: Step = (io, { act, rec }) => {
  const { batch, hidden: H, mm, xp, bias, h, hNext, out, cache, on } = io;
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
      const hr = Math.fround((A[ga] as number) + (bh.arr[bj] as number));
      const hz = Math.fround((A[ga + H] as number) + (bh.arr[bj + H] as number));
      const hn = Math.fround((A[ga + 2 * H] as number) + (bh.arr[bj + 2 * H] as number));
      const r = Math.fround(rec.f((X[gx] as number) + hr));
      const z = Math.fround(rec.f((X[gx + H] as number) + hz));
      const n = Math.fround(act.f((X[gx + 2 * H] as number) + Math.fround(r * hn)));
      const hPrev = h.arr[h.off + s] as number;
      const hNew = n + z * Math.fround(hPrev - n);
      const k = cache.off + b * 4 * H + j;
      K[k] = r;
      K[k + H] = z;
      K[k + 2 * H] = n;
      K[k + 3 * H] = hn;
      out.arr[out.off + s] = valid ? hNew : masked(io, s);
      hNext.arr[hNext.off + s] = valid ? hNew : hPrev;
    }
  }
};

const gruBackward: Back = (io, { act, rec }) => {
  const { batch, hidden: H, dh, dOut, cache, h, on, dGx, dGh, dGhRows } = io;
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
        if (io.carry)
          dh.arr[dh.off + s] = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
        continue;
      }
      const dhNew = (dh.arr[dh.off + s] as number) + (dOut.arr[dOut.off + s] as number);
      const k = cache.off + b * 4 * H + j;
      const r = K[k] as number;
      const z = K[k + H] as number;
      const n = K[k + 2 * H] as number;
      const hn = K[k + 3 * H] as number;
      const dan = dhNew * (1 - z) * act.df(n);
      const daz = dhNew * ((h.arr[h.off + s] as number) - n) * rec.df(z);
      const dar = dan * hn * rec.df(r);
      dGx.arr[gx] = dar;
      dGx.arr[gx + H] = daz;
      dGx.arr[gx + 2 * H] = dan;
      dGh.arr[gh] = dar;
      dGh.arr[gh + H] = daz;
      dGh.arr[gh + 2 * H] = dan * r;
      rows.arr[gr] = dar;
      rows.arr[gr + H] = daz;
      rows.arr[gr + 2 * H] = dan * r;
      dh.arr[dh.off + s] = dhNew * z;
    }
  }
};

const STEPS: Record<CellType, { forward: Step; backward: Back }> = {
  rnn: { forward: rnnForward, backward: rnnBackward },
  lstm: { forward: lstmForward, backward: lstmBackward },
  gru: { forward: gruForward, backward: gruBackward },
};

/** The fused forward and backward step of `cell` with these activations. */
export function activatedCell(cell: CellType): {
  forward: Step;
  backward: Back;
} {
  return STEPS[cell];
}
