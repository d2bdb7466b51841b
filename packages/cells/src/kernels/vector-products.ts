import * as tf from '@tensorflow/tfjs-core';
import { kernelMemory } from './memory.js';

/** Products `out = x · wT` by fixed matrices, for batch-1 steps. */
export interface VectorProducts {
  by(wT: Float32Array, k: number, n: number): (x: Float32Array, out: Float32Array) => void;
  /** Frees the wasm heap copies of the matrices (nothing to free in JS). */
  dispose(): void;
}

/**
 * On wasm, the matrices are copied into the wasm heap once and each product is one direct
 * call of the backend's XNNPACK matMul (which packs a matrix once per tensor id): ~10× the
 * JS loop at 128×512. Elsewhere a JS loop.
 */
export function vectorProducts(): VectorProducts {
  if (tf.getBackend() !== 'wasm') {
    return { by: (wT, k, n) => (x, out) => matVec(x, wT, k, n, out), dispose: () => {} };
  }
  const mem = kernelMemory('wasm', tf.backend());
  return {
    by(wT, k, n) {
      const w = mem.temp([k, n]);
      const view = mem.view(w);
      view.arr.set(wT, view.off);
      const mm = mem.matMulBy(w, 1, k, n);
      return (x, out) => {
        mm.scratchA.arr.set(x, mm.scratchA.off);
        const r = mm.run();
        out.set(r.arr.subarray(r.off, r.off + n));
      };
    },
    dispose: () => mem.release(),
  };
}

/**
 * `out = x · wT` for `wT [k, n]` in JS, float64 sums as tfjs's kernels. Eight rows of wT per
 * pass over the sums: an eighth of the loads and stores of the naive loop (~1.7 GFLOP/s).
 */
function matVec(x: Float32Array, wT: Float32Array, k: number, n: number, out: Float32Array): void {
  const acc = new Float64Array(n);
  let p = 0;
  for (; p + 8 <= k; p += 8) {
    const v0 = x[p] as number;
    const v1 = x[p + 1] as number;
    const v2 = x[p + 2] as number;
    const v3 = x[p + 3] as number;
    const v4 = x[p + 4] as number;
    const v5 = x[p + 5] as number;
    const v6 = x[p + 6] as number;
    const v7 = x[p + 7] as number;
    const r0 = p * n;
    for (let j = 0; j < n; j++) {
      const r = r0 + j;
      acc[j] =
        (acc[j] as number) +
        v0 * (wT[r] as number) +
        v1 * (wT[r + n] as number) +
        v2 * (wT[r + 2 * n] as number) +
        v3 * (wT[r + 3 * n] as number) +
        v4 * (wT[r + 4 * n] as number) +
        v5 * (wT[r + 5 * n] as number) +
        v6 * (wT[r + 6 * n] as number) +
        v7 * (wT[r + 7 * n] as number);
    }
  }
  for (; p < k; p++) {
    const v = x[p] as number;
    const row = p * n;
    for (let j = 0; j < n; j++) acc[j] = (acc[j] as number) + v * (wT[row + j] as number);
  }
  out.set(acc);
}
