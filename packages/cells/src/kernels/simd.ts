import { type SimdKernels, simdKernels, wasmBackendMemory } from '@rnnkit/core/simd';

/**
 * rnnkit's SIMD cell kernels bound to a wasm backend's heap, where they run on its tensors in
 * place; undefined on cpu (its tensors are not in a wasm memory), without SIMD, or when the
 * heap is not found: the kernels then keep their plain-JS passes.
 */
export function simdFor(backendName: string, backend: unknown): SimdKernels | undefined {
  if (backendName !== 'wasm') return undefined;
  const memory = wasmBackendMemory(backend);
  return memory && simdKernels(memory);
}
