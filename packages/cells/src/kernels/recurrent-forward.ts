import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { resetBeforeForward } from './gru-reset-before.js';
import { type Buf, copy, kernelMemory } from './memory.js';
import { recurrentSetup } from './recurrent-setup.js';
import { simdFor } from './simd.js';

/**
 * One layer over a whole time-major sequence in one kernel: per step one plain matMul
 * `h W_hh^T` (the backend's own on wasm, XNNPACK) and one fused pass of the cell's
 * elementwise math, with no tfjs op dispatch, tensor or tape entry per step.
 *
 * Inputs: xp [T*B, G*H] (input projection plus input bias), h0 [B, H], c0 (LSTM), wHhT
 * [H, G*H], biasHh [G*H] (GRU), on [T*B] (0/1, only with seqLengths).
 * Outputs: hPrev [T*B, H] (h_0..h_{T-1}, the state each step starts from), hLast [B, H],
 * cPrev, cLast (LSTM, likewise), cache [T*B, K*H], outs [T*B, H]. Separate outputs rather
 * than slices of one: a wasm Slice copies its whole input.
 */
export function recurrentForwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    // GRU reset-before: a kernel of its own (two matMuls per step); nothing below changes.
    if ((attrs as { resetBefore?: boolean }).resetBefore) {
      return resetBeforeForward(backendName, { inputs, backend, attrs }) as TensorInfo[];
    }
    const { cell, T, B, H, carry, fused, special, pair, GH } = recurrentSetup(attrs);
    const lstm = cell === 'lstm';
    const mem = kernelMemory(backendName, backend);
    const { xp, h0, c0, wHhT, biasHh, on } = inputs as Record<string, TensorInfo | undefined>;
    const hPrev = mem.alloc([T * B, H]);
    const hLast = mem.alloc([B, H]);
    const cPrev = lstm ? mem.alloc([T * B, H]) : undefined;
    const cLast = lstm ? mem.alloc([B, H]) : undefined;
    const cache = mem.alloc([T * B, fused.cacheWidth * H]);
    const outs = mem.alloc([T * B, H]);
    const mm = mem.matMulBy(wHhT as TensorInfo, B, H, GH);
    const v = (t: TensorInfo | undefined) => (t == null ? undefined : mem.view(t));
    const [xpV, hPrevV, hLastV, outsV, cacheV] = [xp, hPrev, hLast, outs, cache].map((t) =>
      mem.view(t as TensorInfo),
    ) as Buf[];
    const [h0V, c0V, biasV, onV, cPrevV, cLastV] = [h0, c0, biasHh, on, cPrev, cLast].map(v);
    mem.sync();
    const at = (buf: Buf, rowOff: number): Buf => ({
      arr: buf.arr,
      off: buf.off + rowOff,
    });
    // The state before step t: row t of hPrev, or hLast after the last step.
    const state = (prev: Buf, last: Buf, t: number) => (t < T ? at(prev, t * B * H) : last);
    copy(h0V as Buf, hPrevV as Buf, B * H);
    if (cPrevV) copy(c0V as Buf, cPrevV, B * H);
    // On wasm the cell arithmetic runs as SIMD in place on tfjs's heap (offsets in floats stay
    // valid when the heap grows); undefined without SIMD, and always on cpu: the JS pass. The
    // SIMD kernels hold the default activations only: Keras options keep the JS steps.
    const k = special ? undefined : simdFor(backendName, backend);
    const KH = fused.cacheWidth * H;
    for (let t = 0; t < T; t++) {
      copy(at(hPrevV as Buf, t * B * H), mm.scratchA, B * H);
      const res = mm.run(); // may move the heap: build this step's views after it
      if (k) {
        const [xpO, hO, outO, cacheO] = [
          (xpV as Buf).off + t * B * GH,
          (hPrevV as Buf).off + t * B * H,
          (outsV as Buf).off + t * B * H,
          (cacheV as Buf).off + t * B * KH,
        ];
        const hNextO = state(hPrevV as Buf, hLastV as Buf, t + 1).off;
        const onO = onV ? onV.off + t * B : 0;
        if (cell === 'lstm') {
          const cO = (cPrevV as Buf).off + t * B * H;
          const cNextO = state(cPrevV as Buf, cLastV as Buf, t + 1).off;
          k.lstmForward(B, H, res.off, xpO, hO, cO, hNextO, cNextO, outO, cacheO, onO);
        } else if (cell === 'gru') {
          k.gruForward(B, H, res.off, xpO, (biasV as Buf).off, hO, hNextO, outO, cacheO, onO);
        } else {
          k.rnnForward(B, H, res.off, xpO, hO, hNextO, outO, cacheO, onO);
        }
        continue;
      }
      const io = {
        batch: B,
        hidden: H,
        mm: res,
        xp: at(xpV as Buf, t * B * GH),
        bias: biasV,
        h: at(hPrevV as Buf, t * B * H),
        c: cPrevV && at(cPrevV, t * B * H),
        hNext: state(hPrevV as Buf, hLastV as Buf, t + 1),
        cNext: cPrevV && state(cPrevV, cLastV as Buf, t + 1),
        out: at(outsV as Buf, t * B * H),
        cache: at(cacheV as Buf, t * B * fused.cacheWidth * H),
        on: onV && at(onV, t * B),
        carry,
      };
      if (special) special.forward(io, pair);
      else fused.forward(io);
    }
    mem.release();
    return cPrev && cLast ? [hPrev, hLast, cPrev, cLast, cache, outs] : [hPrev, hLast, cache, outs];
  };
}
