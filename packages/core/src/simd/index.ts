export { createSimdHeap, type SimdHeap } from './simd-heap.js';
export {
  gemmPackedSize,
  SEQUENCE_CELL,
  type SimdKernels,
  simdKernels,
} from './simd-kernels.js';
export {
  initSimd,
  setSimdEnabled,
  simdEnabled,
  simdModule,
  simdSupported,
  simdWasmBytes,
  stepperModule,
  stepperWasmBytes,
} from './simd-module.js';
export {
  createSimdStepper,
  type SimdStepper,
  type StepperCell,
  type StepperHead,
  type StepperLayer,
} from './simd-stepper.js';
export { wasmBackendMemory } from './wasm-backend-memory.js';
