import type { TensorInfo } from '@tensorflow/tfjs-core';
import { cpuGemm } from './cpu-gemm.js';

/** A tensor's float32 data as seen by a JS kernel: `arr[off ...]`. */
export interface Buf {
  arr: Float32Array;
  off: number;
}

/** `scratchA [m, k] · b [k, n]` into `result [m, n]`, for one fixed `b` (a kernel input). */
export interface FixedMatMul {
  scratchA: Buf;
  run(): Buf;
}

/**
 * What the fused recurrent kernels need from a backend: its tensors' float32 data in place,
 * new outputs, and a plain matMul by a fixed right operand.
 *
 * On wasm every tensor lives in the one heap; a heap growth (any allocation, including
 * XNNPACK packing weights on a first matMul) replaces the buffer, so `sync()` re-points every
 * Buf after each matMul. The kernels allocate all outputs before touching any data.
 */
export interface KernelMemory {
  view(t: TensorInfo): Buf;
  alloc(shape: number[]): TensorInfo;
  /** A temporary that `release` frees. */
  temp(shape: number[]): TensorInfo;
  matMulBy(b: TensorInfo, m: number, k: number, n: number): FixedMatMul;
  /** `out [m, n] = a [m, k] · b [k, n]` with the backend's fastest dense matMul. */
  matMul(a: TensorInfo, b: TensorInfo, out: TensorInfo): void;
  sync(): void;
  release(): void;
}

interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

interface WasmBackend {
  wasm: { HEAPU8: Uint8Array; cwrap(name: string, ret: null, args: string[]): WasmMatMul };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

type WasmMatMul = (...args: (number | Uint8Array | boolean)[]) => void;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function cpuMemory(backend: CpuBackend): KernelMemory {
  const temps: TensorInfo[] = [];
  const view = (t: TensorInfo): Buf => {
    const values = backend.data.get(t.dataId).values;
    if (!(values instanceof Float32Array)) throw new Error('rnnkit kernels need float32 inputs');
    return { arr: values, off: 0 };
  };
  const alloc = (shape: number[]) =>
    backend.makeTensorInfo(shape, 'float32', new Float32Array(size(shape)));
  return {
    view,
    alloc,
    temp(shape) {
      const t = alloc(shape);
      temps.push(t);
      return t;
    },
    matMulBy(b, m, k, n) {
      const bv = view(b);
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
      const [av, bv, ov] = [view(a), view(b), view(out)];
      const [m, k] = a.shape as [number, number];
      cpuGemm(av.arr, av.off, bv.arr, bv.off, ov.arr, ov.off, m, k, b.shape[1] as number);
    },
    sync() {},
    release() {
      for (const t of temps.splice(0)) backend.disposeIntermediateTensorInfo(t);
    },
  };
}

const matMulFns = new WeakMap<object, WasmMatMul>();

export function wasmMemory(backend: WasmBackend): KernelMemory {
  const bufs: Buf[] = [];
  let heapF32 = new Float32Array(backend.wasm.HEAPU8.buffer);
  // Re-points every view when the heap has grown (its old buffer is then detached).
  const sync = () => {
    if (heapF32.buffer === backend.wasm.HEAPU8.buffer) return;
    heapF32 = new Float32Array(backend.wasm.HEAPU8.buffer);
    for (const buf of bufs) buf.arr = heapF32;
  };
  const temps: TensorInfo[] = [];
  const view = (t: TensorInfo): Buf => {
    sync();
    const buf = { arr: heapF32, off: backend.dataIdMap.get(t.dataId).memoryOffset >>> 2 };
    bufs.push(buf);
    return buf;
  };
  const temp = (shape: number[]) => {
    const t = backend.makeOutput(shape, 'float32');
    temps.push(t);
    return t;
  };
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
    ]);
    matMulFns.set(backend.wasm, matMul);
  }
  const run = matMul;
  const id = (t: TensorInfo) => backend.dataIdMap.get(t.dataId).id;
  const shapeBytes = (s: number[]) => new Uint8Array(new Int32Array(s).buffer);
  return {
    view,
    alloc: (shape) => backend.makeOutput(shape, 'float32'),
    temp,
    matMulBy(b, m, k, n) {
      const a = temp([1, m, k]);
      const out = temp([1, m, n]);
      const [aId, bId, outId] = [id(a), id(b), id(out)];
      const [aShape, bShape] = [shapeBytes([1, m, k]), shapeBytes([1, k, n])];
      const scratchA = view(a);
      const result = view(out);
      return {
        scratchA,
        run() {
          run(aId, aShape, 3, bId, bShape, 3, false, false, outId);
          sync();
          return result;
        },
      };
    },
    matMul(a, b, out) {
      const [m, k] = a.shape as [number, number];
      const n = b.shape[1] as number;
      run(id(a), shapeBytes([1, m, k]), 3, id(b), shapeBytes([1, k, n]), 3, false, false, id(out));
      sync();
    },
    sync,
    release() {
      for (const t of temps.splice(0)) backend.disposeData(t.dataId);
    },
  };
}

/** The kernel memory of `backend` (a cpu or wasm backend object). */
export function kernelMemory(backendName: string, backend: unknown): KernelMemory {
  return backendName === 'wasm'
    ? wasmMemory(backend as WasmBackend)
    : cpuMemory(backend as CpuBackend);
}
