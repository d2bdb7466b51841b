export {
  type Buf,
  type CpuBackendData,
  type TensorMemory,
  tensorMemory,
  type WasmBackendData,
} from './memory.js';
export { type KernelBackend, kernelBackend, registerKernelOnce } from './register.js';
