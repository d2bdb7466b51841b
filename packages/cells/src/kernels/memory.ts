import {
  type Buf,
  type TensorMemory,
  tensorMemory,
  type WasmBackendData,
} from '@rnnkit/core/kernels';
import { gemmPackedSize } from '@rnnkit/core/simd';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { cpuGemm } from './gemm.js';
import { simdFor } from './simd.js';

export type { Buf } from '@rnnkit/core/kernels';

/** `scratchA [m, k] · b [k, n]` into `result [m, n]`, for one fixed `b` (a kernel input). */
export interface FixedMatMul {
  scratchA: Buf;
  run(): Buf;
}

/**
 * What the fused recurrent kernels need from a backend: the tensor memory of
 * `@rnnkit/core/kernels` (views, outputs, temporaries) and a plain matMul by a fixed right
 * operand. On wasm the matMul can grow the heap, so it re-points every view afterwards.
 */
export interface KernelMemory extends TensorMemory {
  matMulBy(b: TensorInfo, m: number, k: number, n: number): FixedMatMul;
  /**
   * `out [m, n] = a [m, k] · b [k, n]` with the backend's fastest dense matMul (on wasm
   * rnnkit's SIMD gemm, else XNNPACK's).
   */
  matMul(a: TensorInfo, b: TensorInfo, out: TensorInfo): void;
}

function cpuMemory(backend: unknown): KernelMemory {
  const mem = tensorMemory('cpu', backend);
  return {
    ...mem,
    matMulBy(b, m, k, n) {
      const bv = mem.view(b);
      const scratchA = { arr: new Float32Array(m * k), off: 0 };
      const out = { arr: new Float32Array(m * n), off: 0 };
      return {
        scratchA,
        run() {
          cpuGemm(scratchA.arr, 0, bv.arr, bv.off, out.arr, 0, m, k, n);
          return out;
        },
      };
    },
    matMul(a, b, out) {
      const [av, bv, ov] = [mem.view(a), mem.view(b), mem.view(out)];
      const [m, k] = a.shape as [number, number];
      cpuGemm(av.arr, av.off, bv.arr, bv.off, ov.arr, ov.off, m, k, b.shape[1] as number);
    },
  };
}

type WasmMatMul = (...args: (number | Uint8Array | boolean)[]) => void;
const matMulFns = new WeakMap<object, WasmMatMul>();

function wasmMemory(backend: WasmBackendData): KernelMemory {
  const mem = tensorMemory('wasm', backend);
  let matMul = matMulFns.get(backend.wasm);
  if (matMul == null) {
    // The wasm backend's own BatchMatMul entry point (XNNPACK); it caches the packed right
    // operand by tensor id, so a fixed weight is packed once per tensor.
    matMul = backend.wasm.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as WasmMatMul;
    matMulFns.set(backend.wasm, matMul);
  }
  const run = matMul;
  const id = (t: TensorInfo) => backend.dataIdMap.get(t.dataId).id;
  const shapeBytes = (s: number[]) => new Uint8Array(new Int32Array(s).buffer);
  return {
    ...mem,
    matMulBy(b, m, k, n) {
      const a = mem.temp([1, m, k]);
      const out = mem.temp([1, m, n]);
      const [aId, bId, outId] = [id(a), id(b), id(out)];
      const [aShape, bShape] = [shapeBytes([1, m, k]), shapeBytes([1, k, n])];
      const scratchA = mem.view(a);
      const result = mem.view(out);
      return {
        scratchA,
        run() {
          run(aId, aShape, 3, bId, bShape, 3, false, false, outId);
          mem.sync();
          return result;
        },
      };
    },
    matMul(a, b, out) {
      const [m, k] = a.shape as [number, number];
      const n = b.shape[1] as number;
      // With SIMD, rnnkit's gemm on a packed copy of b: the same bits as XNNPACK's, and a
      // quarter to a third faster on the step's shapes even with the packing (bench-gemm.mjs).
      const simd = m * k * n > 0 ? simdFor('wasm', backend) : undefined;
      if (simd) {
        const packed = backend.makeOutput([gemmPackedSize(k, n)], 'float32');
        const at = (t: TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
        simd.gemmPackB(k, n, at(b), at(packed));
        simd.gemmPacked(m, k, n, at(a), at(packed), at(out), 0);
        backend.disposeData(packed.dataId);
      } else {
        run(
          id(a),
          shapeBytes([1, m, k]),
          3,
          id(b),
          shapeBytes([1, k, n]),
          3,
          false,
          false,
          id(out),
        );
      }
      mem.sync();
    },
  };
}

/** The kernel memory of `backend` (a cpu or wasm backend object). */
export function kernelMemory(backendName: string, backend: unknown): KernelMemory {
  return backendName === 'wasm' ? wasmMemory(backend as WasmBackendData) : cpuMemory(backend);
}

/** Copies n floats (`src`, `dst` may be views of one wasm heap). */
export function copy(src: Buf, dst: Buf, n: number): void {
  dst.arr.set(src.arr.subarray(src.off, src.off + n), dst.off);
}
