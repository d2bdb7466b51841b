import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FUSED_CELLS, GATES } from './fused-cells.js';
import type { RecurrentKernelAttrs } from './fused-kernels.js';
import { type Buf, kernelMemory } from './kernel-memory.js';
import { copy } from './recurrent-forward-kernel.js';

/**
 * Backprop through time of one layer in one kernel: per step (last to first) one fused pass
 * of the cell's elementwise backward and one plain matMul `dh_prev += dG_h W_hh`. What does
 * not depend on the next step (weight and input gradients) stays with the caller, as one
 * matMul over all steps each.
 *
 * Inputs: dOut [T*B, H], dhLast [B, H], dcLast (LSTM), hs, cs (LSTM), cache (from the
 * forward kernel), weightHh [G*H, H], on [T*B] (with seqLengths).
 * Outputs: dGx [T*B, G*H], dh0 [B, H], dc0 (LSTM), dGh [T*B, G*H] (GRU only: elsewhere
 * it equals dGx).
 */
export function recurrentBackwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const {
      cell,
      time: T,
      batch: B,
      hidden: H,
    } = attrs as unknown as RecurrentKernelAttrs & NamedAttrMap;
    const fused = FUSED_CELLS[cell];
    const GH = GATES[cell] * H;
    const lstm = cell === 'lstm';
    const gru = cell === 'gru';
    const mem = kernelMemory(backendName, backend);
    const { dOut, dhLast, dcLast, hs, cs, cache, weightHh, on } = inputs as Record<
      string,
      TensorInfo | undefined
    >;
    const dGx = mem.alloc([T * B, GH]);
    const dh0 = mem.alloc([B, H]);
    const dc0 = lstm ? mem.alloc([B, H]) : undefined;
    const dGhRows = gru ? mem.alloc([T * B, GH]) : undefined;
    const mm = mem.matMulBy(weightHh as TensorInfo, B, GH, H);
    const v = (t: TensorInfo | undefined) => (t == null ? undefined : mem.view(t));
    const [dOutV, dhLastV, hsV, cacheV, dGxV, dhV] = [dOut, dhLast, hs, cache, dGx, dh0].map((t) =>
      mem.view(t as TensorInfo),
    ) as Buf[];
    const [dcLastV, csV, onV, dcV, rowsV] = [dcLast, cs, on, dc0, dGhRows].map(v);
    mem.sync();
    const at = (buf: Buf, rowOff: number): Buf => ({ arr: buf.arr, off: buf.off + rowOff });
    // dh0/dc0 double as the running d/d(state) buffers.
    copy(dhLastV as Buf, dhV as Buf, B * H);
    if (dcV) copy(dcLastV as Buf, dcV, B * H);
    for (let t = T - 1; t >= 0; t--) {
      fused.backward({
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
      });
      const res = mm.run(); // [B, H] = dG_h W_hh
      const dh = dhV as Buf;
      for (let i = 0; i < B * H; i++) {
        dh.arr[dh.off + i] = (dh.arr[dh.off + i] as number) + (res.arr[res.off + i] as number);
      }
    }
    mem.release();
    return [dGx, dh0, ...(dc0 ? [dc0] : []), ...(dGhRows ? [dGhRows] : [])];
  };
}
