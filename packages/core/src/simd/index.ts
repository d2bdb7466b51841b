export { createSimdHeap, type SimdHeap } from './simd-heap.js';
export { type SimdKernels, simdKernels } from './simd-kernels.js';
export {
  initSimd,
  setSimdEnabled,
  simdModule,
  simdSupported,
  simdWasmBytes,
} from './simd-module.js';
export { wasmBackendMemory } from './wasm-backend-memory.js';
