import { gemmPackedSize, SEQUENCE_CELL } from '@rnnkit/core/simd';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { resetBeforeBackward } from './gru-reset-before.js';
import { type Buf, copy, kernelMemory } from './memory.js';
import { recurrentSetup } from './recurrent-setup.js';
import { simdFor } from './simd.js';

/**
 * Backprop through time of one layer in one kernel: per step (last to first) one fused pass
 * of the cell's elementwise backward and one plain matMul `dh_prev += dG_h W_hh` (on wasm
 * with SIMD the whole loop is one call of the SIMD module, as in recurrent-forward.ts). What does
 * not depend on the next step (weight and input gradients) stays with the caller, as one
 * matMul over all steps each.
 *
 * Inputs: dOut [T*B, H], dhLast [B, H], dcLast (LSTM), hPrev, cPrev (LSTM), cache (from the
 * forward kernel), weightHh [G*H, H], on [T*B] (with seqLengths).
 * Outputs: dGx [T*B, G*H], dh0 [B, H], dc0 (LSTM), dGh [T*B, G*H] (GRU only: elsewhere
 * it equals dGx), then the bias gradients dBiasIh = Σ dGx, dBiasHh = Σ dGh [G*H], summed
 * here as the rows appear (a wasm Sum over axis 0 transposes its input first).
 */
export function recurrentBackwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    // GRU reset-before: a kernel of its own (two matMuls per step); nothing below changes.
    if ((attrs as { resetBefore?: boolean }).resetBefore) {
      return resetBeforeBackward(backendName, { inputs, backend, attrs }) as TensorInfo[];
    }
    const { cell, T, B, H, carry, fused, special, pair, GH } = recurrentSetup(attrs);
    const lstm = cell === 'lstm';
    const gru = cell === 'gru';
    const mem = kernelMemory(backendName, backend);
    const { dOut, dhLast, dcLast, hPrev, cPrev, cache, weightHh, on } = inputs as Record<
      string,
      TensorInfo | undefined
    >;
    const dGx = mem.alloc([T * B, GH]);
    const dh0 = mem.alloc([B, H]);
    const dc0 = lstm ? mem.alloc([B, H]) : undefined;
    const dGhRows = gru ? mem.alloc([T * B, GH]) : undefined;
    const dBiasIh = mem.alloc([GH]);
    const dBiasHh = mem.alloc([GH]);
    const outputs = [
      dGx,
      dh0,
      ...(dc0 ? [dc0] : []),
      ...(dGhRows ? [dGhRows] : []),
      dBiasIh,
      dBiasHh,
    ];
    // On wasm with SIMD the whole loop runs in one call in place on tfjs's heap (see
    // recurrent-forward.ts), the bias sums in float64 in a zeroed temporary, 8-byte aligned
    // (offsets in floats rounded up to even). The SIMD kernels hold the default activations
    // only: Keras options keep the JS steps.
    const k = special ? undefined : simdFor(backendName, backend);
    if (k) {
      const width = 2 * GH + 2 + (gru ? 2 * GH + 2 : 0);
      const sums = mem.temp([width]);
      const packed = mem.temp([gemmPackedSize(GH, H)]);
      const res = mem.temp([B, H]);
      const o = (t: TensorInfo | undefined) => (t == null ? 0 : mem.view(t).off);
      const s = mem.view(sums);
      s.arr.fill(0, s.off, s.off + width);
      const sumXO = (s.off + 1) & ~1;
      const sumHO = gru ? sumXO + 2 * GH : sumXO;
      copy(mem.view(dhLast as TensorInfo), mem.view(dh0), B * H);
      if (dc0) copy(mem.view(dcLast as TensorInfo), mem.view(dc0), B * H);
      k.recurrentBackward(
        SEQUENCE_CELL[cell],
        T,
        B,
        H,
        o(dOut),
        o(dh0),
        o(dc0),
        o(hPrev),
        o(cPrev),
        o(cache),
        o(weightHh),
        o(packed),
        o(res),
        o(on),
        o(dGx),
        o(dGhRows),
        sumXO,
        gru ? sumHO : 0,
      );
      const heap = new Float64Array(k.memory.buffer);
      const [bIh, bHh] = [mem.view(dBiasIh), mem.view(dBiasHh)];
      bIh.arr.set(heap.subarray(sumXO / 2, sumXO / 2 + GH), bIh.off);
      bHh.arr.set(heap.subarray(sumHO / 2, sumHO / 2 + GH), bHh.off);
      mem.release();
      return outputs;
    }
    const mm = mem.matMulBy(weightHh as TensorInfo, B, GH, H);
    const v = (t: TensorInfo | undefined) => (t == null ? undefined : mem.view(t));
    const [dOutV, dhLastV, hsV, cacheV, dGxV, dhV] = [dOut, dhLast, hPrev, cache, dGx, dh0].map(
      (t) => mem.view(t as TensorInfo),
    ) as Buf[];
    const [dcLastV, csV, onV, dcV, rowsV] = [dcLast, cPrev, on, dc0, dGhRows].map(v);
    const sumX = new Float64Array(GH);
    const sumH = gru ? new Float64Array(GH) : sumX;
    mem.sync();
    const at = (buf: Buf, rowOff: number): Buf => ({ arr: buf.arr, off: buf.off + rowOff });
    // dh0/dc0 double as the running d/d(state) buffers.
    copy(dhLastV as Buf, dhV as Buf, B * H);
    if (dcV) copy(dcLastV as Buf, dcV, B * H);
    for (let t = T - 1; t >= 0; t--) {
      const io = {
        batch: B,
        hidden: H,
        dh: dhV as Buf,
        dc: dcV,
        dOut: at(dOutV as Buf, t * B * H),
        cache: at(cacheV as Buf, t * B * fused.cacheWidth * H),
        h: at(hsV as Buf, t * B * H),
        c: csV && at(csV, t * B * H),
        on: onV && at(onV, t * B),
        dGx: at(dGxV as Buf, t * B * GH),
        dGh: mm.scratchA,
        dGhRows: rowsV && at(rowsV, t * B * GH),
        carry,
      };
      if (special) special.backward(io, pair);
      else fused.backward(io);
      const gx = at(dGxV as Buf, t * B * GH);
      addRows(gx, B, GH, sumX);
      if (gru) addRows(mm.scratchA, B, GH, sumH);
      const res = mm.run(); // [B, H] = dG_h W_hh
      const dh = dhV as Buf;
      for (let i = 0; i < B * H; i++) {
        dh.arr[dh.off + i] = (dh.arr[dh.off + i] as number) + (res.arr[res.off + i] as number);
      }
    }
    const [bIh, bHh] = [mem.view(dBiasIh), mem.view(dBiasHh)];
    bIh.arr.set(sumX, bIh.off);
    bHh.arr.set(sumH, bHh.off);
    mem.release();
    return outputs;
  };
}

/** `sum[j] += Σ_r rows[r, j]` over a [rows, width] block. */
function addRows(rows: Buf, count: number, width: number, sum: Float64Array): void {
  for (let r = 0; r < count; r++) {
    const off = rows.off + r * width;
    for (let j = 0; j < width; j++) sum[j] = (sum[j] as number) + (rows.arr[off + j] as number);
  }
}
