import { type SimdKernels, simdKernels } from './simd-kernels.js';

/**
 * A memory of the SIMD kernels' own, for data that does not live in a wasm heap (the cpu
 * backend's Float32Arrays): copy a layer's inputs in once, run every step's kernels (and a
 * JS gemm on `f32()` views) there, copy the outputs out once.
 */
export interface SimdHeap {
  readonly kernels: SimdKernels;
  /** A view of the whole memory; call again after `alloc`, which may grow it. */
  f32(): Float32Array;
  /** `n` floats, 16-byte aligned, as an offset in floats (never 0). */
  alloc(n: number): number;
  /** Frees everything `alloc` handed out (the memory keeps its size for the next call). */
  reset(): void;
}

const FIRST = 4; // offset 0 means "absent" to the kernels

/**
 * A fresh SIMD heap, or undefined without SIMD (see `simdKernels`).
 *
 * @example
 * ```ts
 * const heap = createSimdHeap();
 * if (heap) {
 *   const dst = heap.alloc(n);
 *   const src = heap.alloc(n);
 *   heap.f32().set(a, dst);
 *   heap.f32().set(b, src);
 *   heap.kernels.addF32(dst, src, n);
 * }
 * ```
 */
export function createSimdHeap(): SimdHeap | undefined {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const kernels = simdKernels(memory);
  if (kernels === undefined) return undefined;
  let top = FIRST;
  let view = new Float32Array(memory.buffer);
  return {
    kernels,
    f32() {
      if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
      return view;
    },
    alloc(n) {
      const off = top;
      top += (n + 3) & ~3;
      const bytes = top * 4;
      if (bytes > memory.buffer.byteLength) {
        memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      }
      return off;
    },
    reset() {
      top = FIRST;
    },
  };
}
