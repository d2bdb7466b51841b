import type { TensorInfo } from '@tensorflow/tfjs-core';

/** A tensor's float32 data as a JS kernel sees it: `arr[off ...]`. */
export interface Buf {
  arr: Float32Array;
  off: number;
}

/**
 * What rnnkit's JS kernels need from a backend: its tensors' float32 data in place, and new
 * outputs and temporaries.
 *
 * On wasm every tensor lives in the one heap; a heap growth (any allocation, including
 * XNNPACK packing weights on a first matMul) replaces the buffer, so `sync()` re-points every
 * Buf handed out. A kernel allocates its outputs before it takes any view, or calls `sync()`.
 */
export interface TensorMemory {
  view(t: TensorInfo): Buf;
  /**
   * An int32 tensor's data in place (class ids). Not re-pointed by `sync()`: take it after
   * the kernel's last heap growth (its matMuls and allocations).
   */
  viewInt32(t: TensorInfo): { arr: Int32Array; off: number };
  alloc(shape: number[]): TensorInfo;
  /** A temporary that `release` frees. */
  temp(shape: number[]): TensorInfo;
  sync(): void;
  release(): void;
}

/** The parts of tfjs's cpu backend object a kernel touches. */
export interface CpuBackendData {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  disposeIntermediateTensorInfo(info: TensorInfo): void;
}

/** The parts of tfjs's wasm backend object a kernel touches. */
export interface WasmBackendData {
  wasm: {
    HEAPU8: Uint8Array;
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
  };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function cpuMemory(backend: CpuBackendData): TensorMemory {
  const temps: TensorInfo[] = [];
  const alloc = (shape: number[]) =>
    backend.makeTensorInfo(shape, 'float32', new Float32Array(size(shape)));
  return {
    view(t) {
      const values = backend.data.get(t.dataId).values;
      if (!(values instanceof Float32Array)) throw new Error('rnnkit kernels need float32 inputs');
      return { arr: values, off: 0 };
    },
    viewInt32(t) {
      const values = backend.data.get(t.dataId).values;
      if (!(values instanceof Int32Array)) throw new Error('expected an int32 tensor');
      return { arr: values, off: 0 };
    },
    alloc,
    temp(shape) {
      const t = alloc(shape);
      temps.push(t);
      return t;
    },
    sync() {},
    release() {
      for (const t of temps.splice(0)) backend.disposeIntermediateTensorInfo(t);
    },
  };
}

function wasmMemory(backend: WasmBackendData): TensorMemory {
  const bufs: Buf[] = [];
  let heapF32 = new Float32Array(backend.wasm.HEAPU8.buffer);
  // Re-points every view when the heap has grown (its old buffer is then detached).
  const sync = () => {
    if (heapF32.buffer === backend.wasm.HEAPU8.buffer) return;
    heapF32 = new Float32Array(backend.wasm.HEAPU8.buffer);
    for (const buf of bufs) buf.arr = heapF32;
  };
  const temps: TensorInfo[] = [];
  return {
    view(t) {
      sync();
      const buf = { arr: heapF32, off: backend.dataIdMap.get(t.dataId).memoryOffset >>> 2 };
      bufs.push(buf);
      return buf;
    },
    viewInt32(t) {
      const off = backend.dataIdMap.get(t.dataId).memoryOffset >>> 2;
      return { arr: new Int32Array(backend.wasm.HEAPU8.buffer), off };
    },
    alloc: (shape) => backend.makeOutput(shape, 'float32'),
    temp(shape) {
      const t = backend.makeOutput(shape, 'float32');
      temps.push(t);
      return t;
    },
    sync,
    release() {
      for (const t of temps.splice(0)) backend.disposeData(t.dataId);
    },
  };
}

/** The tensor memory of `backend`, a tfjs cpu or wasm backend object (`'cpu'` or `'wasm'`). */
export function tensorMemory(backendName: string, backend: unknown): TensorMemory {
  return backendName === 'wasm'
    ? wasmMemory(backend as WasmBackendData)
    : cpuMemory(backend as CpuBackendData);
}
