import { RNNKIT_SIMD_WASM } from './rnnkit-simd-wasm.js';
import { RNNKIT_STEPPER_WASM } from './rnnkit-stepper-wasm.js';

// (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt): valid only where the engine
// has the final WebAssembly SIMD128 opcodes (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

let supported: boolean | undefined;
let compiled: WebAssembly.Module | undefined;
let compiledStepper: WebAssembly.Module | undefined;
let enabled = true;

/** Whether this engine runs WebAssembly SIMD128 (checked once, by validating a tiny module). */
export function simdSupported(): boolean {
  if (supported === undefined) {
    supported =
      typeof WebAssembly === 'object' &&
      typeof WebAssembly.validate === 'function' &&
      WebAssembly.validate(SIMD_PROBE);
  }
  return supported;
}

/**
 * Turns rnnkit's SIMD kernels off (or back on) for this process: `simdModule()` then answers
 * undefined and every caller keeps its plain-JS path. For A/B benchmarks and for ruling the
 * kernels out when chasing a numeric difference.
 */
export function setSimdEnabled(on: boolean): void {
  enabled = on;
}

/** Whether rnnkit's SIMD kernels are turned on (`setSimdEnabled`), supported or not. */
export function simdEnabled(): boolean {
  return enabled;
}

/** The kernels' bytes (the committed build of packages/core/csrc), decoded from base64. */
export function simdWasmBytes(): Uint8Array {
  return fromBase64(RNNKIT_SIMD_WASM);
}

/** The batch-1 stepper's bytes (the committed build of packages/core/csrc/stepper.c). */
export function stepperWasmBytes(): Uint8Array {
  return fromBase64(RNNKIT_STEPPER_WASM);
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * The compiled kernel module, or undefined when SIMD is missing or turned off. Compiles
 * synchronously on first use (fine in Node and in workers); a browser's main thread refuses
 * synchronous compilation of modules this size, so there call `initSimd()` first.
 */
export function simdModule(): WebAssembly.Module | undefined {
  if (!enabled || !simdSupported()) return undefined;
  compiled ??= compileNow(simdWasmBytes());
  return compiled;
}

/**
 * The compiled batch-1 stepper module (`createSimdStepper`), under the same conditions as
 * {@link simdModule}: undefined when SIMD is missing or turned off, or on a browser's main
 * thread before `initSimd()`.
 */
export function stepperModule(): WebAssembly.Module | undefined {
  if (!enabled || !simdSupported()) return undefined;
  compiledStepper ??= compileNow(stepperWasmBytes());
  return compiledStepper;
}

function compileNow(bytes: Uint8Array): WebAssembly.Module | undefined {
  try {
    return new WebAssembly.Module(bytes as BufferSource);
  } catch (e) {
    // main-thread size limit: wait for initSimd()
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/**
 * Compiles the kernel and stepper modules asynchronously (allowed everywhere, including a
 * browser's main thread); resolves to whether the SIMD kernels are available.
 *
 * @example
 * ```ts
 * if (await initSimd()) console.log('cell arithmetic runs as WebAssembly SIMD');
 * ```
 */
export async function initSimd(): Promise<boolean> {
  if (!enabled || !simdSupported()) return false;
  compiled ??= await WebAssembly.compile(simdWasmBytes() as BufferSource);
  compiledStepper ??= await WebAssembly.compile(stepperWasmBytes() as BufferSource);
  return true;
}
