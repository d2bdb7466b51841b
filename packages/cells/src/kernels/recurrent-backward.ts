import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { activatedCell } from '../cell/activated.js';
import { cellActivations, DEFAULT_ACTIVATIONS } from '../cell/activations.js';
import { gateCount } from '../cell/cell-type.js';
import { fusedCell } from '../cell/registry.js';
import { type Buf, copy, kernelMemory } from './memory.js';
import type { RecurrentKernelAttrs } from './recurrent-contract.js';

/**
 * Backprop through time of one layer in one kernel: per step (last to first) one fused pass
 * of the cell's elementwise backward and one plain matMul `dh_prev += dG_h W_hh`. What does
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
    const {
      cell,
      time: T,
      batch: B,
      hidden: H,
      activation = 'tanh',
      recurrentActivation = 'sigmoid',
      carry = false,
    } = attrs as unknown as RecurrentKernelAttrs & NamedAttrMap;
    const fused = fusedCell(cell);
    // Keras options take the activated steps, chosen once here; the defaults keep `fused`.
    const acts = cellActivations(activation, recurrentActivation);
    const special = acts || carry ? activatedCell(cell) : undefined;
    const pair = acts ?? DEFAULT_ACTIVATIONS;
    const GH = gateCount(cell) * H;
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
    const mm = mem.matMulBy(weightHh as TensorInfo, B, GH, H);
    const v = (t: TensorInfo | undefined) => (t == null ? undefined : mem.view(t));
    const [dOutV, dhLastV, hsV, cacheV, dGxV, dhV] = [dOut, dhLast, hPrev, cache, dGx, dh0].map(
      (t) => mem.view(t as TensorInfo),
    ) as Buf[];
    const [dcLastV, csV, onV, dcV, rowsV] = [dcLast, cPrev, on, dc0, dGhRows].map(v);
    const sumX = new Float64Array(GH);
    const sumH = gru ? new Float64Array(GH) : sumX;
    mem.sync();
    const at = (buf: Buf, rowOff: number): Buf => ({
      arr: buf.arr,
      off: buf.off + rowOff,
    });
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
    return [dGx, dh0, ...(dc0 ? [dc0] : []), ...(dGhRows ? [dGhRows] : []), dBiasIh, dBiasHh];
  };
}

/** `sum[j] += Σ_r rows[r, j]` over a [rows, width] block. */
function addRows(rows: Buf, count: number, width: number, sum: Float64Array): void {
  for (let r = 0; r < count; r++) {
    const off = rows.off + r * width;
    for (let j = 0; j < width; j++) sum[j] = (sum[j] as number) + (rows.arr[off + j] as number);
  }
}
