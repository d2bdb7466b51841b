/**
 * The `WebAssembly.Memory` of a tfjs-backend-wasm backend object (`tf.backend()` on 'wasm'),
 * where every tensor of that backend lives: `simdKernels(memory)` then runs on tensors in
 * place, at `memoryOffset >>> 2`. tfjs 4.22's emscripten module exports its memory as
 * `wasm.asm.memory` (SIMD build); the threaded build imports a shared one, kept as
 * `wasm.wasmMemory`; newer emscripten names the exports `wasmExports`. Undefined when none
 * of these is a memory.
 */
export function wasmBackendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as { wasm?: Record<string, unknown> } | null)?.wasm;
  if (wasm == null) return undefined;
  const exported = (key: string) => (wasm[key] as { memory?: unknown } | undefined)?.memory;
  for (const m of [exported('asm'), exported('wasmExports'), wasm.wasmMemory]) {
    if (m instanceof WebAssembly.Memory) return m;
  }
  return undefined;
}
