import { gemmPackedSize, SEQUENCE_CELL } from '@rnnkit/core/simd';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { resetBeforeForward } from './gru-reset-before.js';
import { type Buf, copy, kernelMemory } from './memory.js';
import { recurrentSetup } from './recurrent-setup.js';
import { simdFor } from './simd.js';

/**
 * One layer over a whole time-major sequence in one kernel: per step one plain matMul
 * `h W_hh^T` and one fused pass of the cell's elementwise math, with no tfjs op dispatch,
 * tensor or tape entry per step. On wasm with SIMD the loop is one call of the SIMD module
 * (its own gemm, as fast as XNNPACK's plus a third, with the same bits); otherwise a JS loop
 * over the backend's matMul (XNNPACK on wasm) and the JS cell pass.
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
    const outputs =
      cPrev && cLast ? [hPrev, hLast, cPrev, cLast, cache, outs] : [hPrev, hLast, cache, outs];
    // On wasm with SIMD the whole loop runs in one call in place on tfjs's heap (the gemm of
    // @rnnkit/core/simd for h W_hh^T, then the cell pass, per step); the same bits as the
    // step-by-step loop below. The SIMD kernels hold the default activations only: Keras
    // options keep the JS steps, as do cpu and engines without SIMD.
    const k = special ? undefined : simdFor(backendName, backend);
    if (k) {
      const packed = mem.temp([gemmPackedSize(H, GH)]);
      const mmT = mem.temp([B, GH]);
      const o = (t: TensorInfo | undefined) => (t == null ? 0 : mem.view(t).off);
      copy(mem.view(h0 as TensorInfo), mem.view(hPrev), B * H);
      if (cPrev) copy(mem.view(c0 as TensorInfo), mem.view(cPrev), B * H);
      k.recurrentForward(
        SEQUENCE_CELL[cell],
        T,
        B,
        H,
        o(xp),
        o(wHhT),
        o(packed),
        o(mmT),
        o(biasHh),
        o(hPrev),
        o(hLast),
        o(cPrev),
        o(cLast),
        o(cache),
        o(outs),
        o(on),
      );
      mem.release();
      return outputs;
    }
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
    for (let t = 0; t < T; t++) {
      copy(at(hPrevV as Buf, t * B * H), mm.scratchA, B * H);
      const res = mm.run(); // may move the heap: build this step's views after it
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
    return outputs;
  };
}
