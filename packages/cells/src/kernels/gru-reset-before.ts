import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { scalarActivation } from '../cell/activations.js';
import { type Buf, copy, kernelMemory } from './memory.js';
import type { RecurrentKernelAttrs } from './recurrent-contract.js';

// GRU reset-before (Keras `reset_after=False`, tfjs-layers' only GRU), forward and backward,
// as kernels of their own so that the default and activated steps of recurrent-forward.ts and
// recurrent-backward.ts stay as they are. Per step:
//
//     r  = rec(x W_ir^T + b_ir + h W_hr^T + b_hr)
//     z  = rec(x W_iz^T + b_iz + h W_hz^T + b_hz)
//     n  = act(x W_in^T + b_in + b_hn + (r * h) W_hn^T)
//     h' = (1 - z) * n + z * h
//
// The reset gate acts before the n block's matmul, so each step takes a second matMul
// `(r * h) W_hn^T` after the gates are known (forward), and `dn W_hn` before d r is known
// (backward). Cache row: r, z, n, r * h; the last is what dW_hn needs (dW_hn = Σ dn^T (r h)).

type Args = { inputs: unknown; backend: unknown; attrs?: unknown };

const at = (buf: Buf, rowOff: number): Buf => ({ arr: buf.arr, off: buf.off + rowOff });

function options(attrs: unknown) {
  const a = attrs as unknown as RecurrentKernelAttrs & NamedAttrMap;
  return {
    T: a.time,
    B: a.batch,
    H: a.hidden,
    act: scalarActivation(a.activation ?? 'tanh'),
    rec: scalarActivation(a.recurrentActivation ?? 'sigmoid'),
    carry: a.carry === true,
  };
}

/**
 * Inputs: xp [T*B, 3H] (x W_ih^T + b_ih), h0 [B, H], wHhT [H, 3H], wHnT [H, H] (= W_hn^T),
 * biasHh [3H], on [T*B] (optional). Outputs as the GRU forward kernel: hPrev, hLast, cache
 * [T*B, 4H], outs.
 */
export function resetBeforeForward(backendName: string, { inputs, backend, attrs }: Args) {
  const { T, B, H, act, rec, carry } = options(attrs);
  const mem = kernelMemory(backendName, backend);
  const { xp, h0, wHhT, wHnT, biasHh, on } = inputs as Record<string, TensorInfo | undefined>;
  const hPrev = mem.alloc([T * B, H]);
  const hLast = mem.alloc([B, H]);
  const cache = mem.alloc([T * B, 4 * H]);
  const outs = mem.alloc([T * B, H]);
  const mm = mem.matMulBy(wHhT as TensorInfo, B, H, 3 * H);
  const mn = mem.matMulBy(wHnT as TensorInfo, B, H, H);
  const [xpV, h0V, hPrevV, hLastV, outsV, cacheV, biasV] = [
    xp,
    h0,
    hPrev,
    hLast,
    outs,
    cache,
    biasHh,
  ].map((t) => mem.view(t as TensorInfo)) as Buf[] as [Buf, Buf, Buf, Buf, Buf, Buf, Buf];
  const onV = on == null ? undefined : mem.view(on);
  mem.sync();
  const state = (t: number) => (t < T ? at(hPrevV, t * B * H) : hLastV);
  copy(h0V, hPrevV, B * H);
  for (let t = 0; t < T; t++) {
    copy(at(hPrevV, t * B * H), mm.scratchA, B * H);
    const g = mm.run(); // [B, 3H] = h W_hh^T (its n block unused); views are rebuilt after
    let X = at(xpV, t * B * 3 * H);
    let h = at(hPrevV, t * B * H);
    let K = at(cacheV, t * B * 4 * H);
    const bh = biasV;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const gx = X.off + b * 3 * H + j;
        const ga = g.off + b * 3 * H + j;
        const r = Math.fround(
          rec.f(
            (X.arr[gx] as number) +
              Math.fround((g.arr[ga] as number) + (bh.arr[bh.off + j] as number)),
          ),
        );
        const z = Math.fround(
          rec.f(
            (X.arr[gx + H] as number) +
              Math.fround((g.arr[ga + H] as number) + (bh.arr[bh.off + H + j] as number)),
          ),
        );
        const rh = Math.fround(r * (h.arr[h.off + b * H + j] as number));
        const k = K.off + b * 4 * H + j;
        K.arr[k] = r;
        K.arr[k + H] = z;
        K.arr[k + 3 * H] = rh;
        mn.scratchA.arr[mn.scratchA.off + b * H + j] = rh;
      }
    }
    const n2 = mn.run(); // [B, H] = (r * h) W_hn^T
    X = at(xpV, t * B * 3 * H);
    h = at(hPrevV, t * B * H);
    K = at(cacheV, t * B * 4 * H);
    const out = at(outsV, t * B * H);
    const hNext = state(t + 1);
    const onT = onV && at(onV, t * B);
    for (let b = 0; b < B; b++) {
      const valid = onT == null || onT.arr[onT.off + b] !== 0;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const k = K.off + b * 4 * H + j;
        const pre =
          (X.arr[X.off + b * 3 * H + 2 * H + j] as number) +
          (bh.arr[bh.off + 2 * H + j] as number) +
          (n2.arr[n2.off + s] as number);
        const n = Math.fround(act.f(pre));
        const z = K.arr[k + H] as number;
        const hp = h.arr[h.off + s] as number;
        const hNew = n + z * Math.fround(hp - n);
        K.arr[k + 2 * H] = n;
        out.arr[out.off + s] = valid ? hNew : carry ? hp : 0;
        hNext.arr[hNext.off + s] = valid ? hNew : hp;
      }
    }
  }
  mem.release();
  return [hPrev, hLast, cache, outs];
}

/**
 * Inputs: dOut [T*B, H], dhLast [B, H], hPrev, cache (from the forward kernel), weightHh
 * [3H, H], weightHn [H, H] (= W_hn), on. Outputs as the GRU backward kernel: dGx [T*B, 3H],
 * dh0, dGhRows [T*B, 3H] (d r, d z, d n: with `rh` from the cache they give dW_hh), dBiasIh,
 * dBiasHh.
 */
export function resetBeforeBackward(backendName: string, { inputs, backend, attrs }: Args) {
  const { T, B, H, act, rec, carry } = options(attrs);
  const GH = 3 * H;
  const mem = kernelMemory(backendName, backend);
  const { dOut, dhLast, hPrev, cache, weightHh, weightHn, on } = inputs as Record<
    string,
    TensorInfo | undefined
  >;
  const dGx = mem.alloc([T * B, GH]);
  const dh0 = mem.alloc([B, H]);
  const dGhRows = mem.alloc([T * B, GH]);
  const dBiasIh = mem.alloc([GH]);
  const dBiasHh = mem.alloc([GH]);
  const mm = mem.matMulBy(weightHh as TensorInfo, B, GH, H);
  const mn = mem.matMulBy(weightHn as TensorInfo, B, H, H);
  const [dOutV, dhLastV, hsV, cacheV, dGxV, dhV, rowsV] = [
    dOut,
    dhLast,
    hPrev,
    cache,
    dGx,
    dh0,
    dGhRows,
  ].map((t) => mem.view(t as TensorInfo)) as Buf[] as [Buf, Buf, Buf, Buf, Buf, Buf, Buf];
  const onV = on == null ? undefined : mem.view(on);
  const sumX = new Float64Array(GH);
  const sumH = new Float64Array(GH);
  mem.sync();
  copy(dhLastV, dhV, B * H);
  for (let t = T - 1; t >= 0; t--) {
    // Phase 1: d z, d n; d n goes into the n block's matMul, d z into W_hh's.
    let K = at(cacheV, t * B * 4 * H);
    let h = at(hsV, t * B * H);
    const dO = at(dOutV, t * B * H);
    let gx = at(dGxV, t * B * GH);
    let rows = at(rowsV, t * B * GH);
    let sa = mm.scratchA;
    let sn = mn.scratchA;
    // onV is re-pointed after each matMul; read it through it, never a stale copy.
    const valid = (b: number) => onV == null || onV.arr[onV.off + t * B + b] !== 0;
    for (let b = 0; b < B; b++) {
      const ok = valid(b);
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const g = b * GH + j;
        const dh = dhV.arr[dhV.off + s] as number;
        const dout = dO.arr[dO.off + s] as number;
        if (!ok) {
          for (let q = 0; q < 3; q++) {
            gx.arr[gx.off + g + q * H] = 0;
            rows.arr[rows.off + g + q * H] = 0;
            sa.arr[sa.off + g + q * H] = 0;
          }
          sn.arr[sn.off + s] = 0;
          if (carry) dhV.arr[dhV.off + s] = dh + dout; // the masked output was h itself
          continue;
        }
        const dhNew = dh + dout;
        const k = K.off + b * 4 * H + j;
        const z = K.arr[k + H] as number;
        const n = K.arr[k + 2 * H] as number;
        const dan = dhNew * (1 - z) * act.df(n);
        const daz = dhNew * ((h.arr[h.off + s] as number) - n) * rec.df(z);
        gx.arr[gx.off + g + H] = daz;
        gx.arr[gx.off + g + 2 * H] = dan;
        rows.arr[rows.off + g + H] = daz;
        rows.arr[rows.off + g + 2 * H] = dan;
        sa.arr[sa.off + g + H] = daz;
        sa.arr[sa.off + g + 2 * H] = 0; // the n block reaches h through r * h, below
        sn.arr[sn.off + s] = dan;
        dhV.arr[dhV.off + s] = dhNew * z;
      }
    }
    const drh = mn.run(); // [B, H] = dn W_hn: d/d(r * h)
    K = at(cacheV, t * B * 4 * H);
    h = at(hsV, t * B * H);
    gx = at(dGxV, t * B * GH);
    rows = at(rowsV, t * B * GH);
    sa = mm.scratchA;
    sn = mn.scratchA;
    for (let b = 0; b < B; b++) {
      if (!valid(b)) continue;
      for (let j = 0; j < H; j++) {
        const s = b * H + j;
        const g = b * GH + j;
        const r = K.arr[K.off + b * 4 * H + j] as number;
        const d = drh.arr[drh.off + s] as number;
        const dar = d * (h.arr[h.off + s] as number) * rec.df(r);
        gx.arr[gx.off + g] = dar;
        rows.arr[rows.off + g] = dar;
        sa.arr[sa.off + g] = dar;
        dhV.arr[dhV.off + s] = (dhV.arr[dhV.off + s] as number) + d * r;
      }
    }
    addRows(gx, B, GH, sumX);
    addRows(rows, B, GH, sumH);
    const res = mm.run(); // [B, H] = [dr, dz, 0] W_hh
    for (let i = 0; i < B * H; i++) {
      dhV.arr[dhV.off + i] = (dhV.arr[dhV.off + i] as number) + (res.arr[res.off + i] as number);
    }
  }
  const [bIh, bHh] = [mem.view(dBiasIh), mem.view(dBiasHh)];
  bIh.arr.set(sumX, bIh.off);
  bHh.arr.set(sumH, bHh.off);
  mem.release();
  return [dGx, dh0, dGhRows, dBiasIh, dBiasHh];
}

function addRows(rows: Buf, count: number, width: number, sum: Float64Array): void {
  for (let r = 0; r < count; r++) {
    const off = rows.off + r * width;
    for (let j = 0; j < width; j++) sum[j] = (sum[j] as number) + (rows.arr[off + j] as number);
  }
}
