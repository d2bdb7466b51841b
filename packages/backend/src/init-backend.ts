import { initSimd } from '@rnnkit/core/simd';
import {
  env,
  findBackend,
  getBackend,
  ready,
  setBackend,
  version_core,
} from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { registerGradients } from './register-gradients.js';
import { defaultWasmPaths } from './wasm-paths.js';

/** The backends rnnkit runs on. */
export const BACKENDS = ['cpu', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendOptions {
  /** Which backend to use; `'auto'` (default) tries wasm, then cpu. */
  backend?: BackendName | 'auto';
  /**
   * Threads for the wasm backend. Threads need a cross-origin-isolated page in the browser, and
   * tfjs-backend-wasm 4.22 has none in Node; without them the backend runs SIMD-only.
   */
  threads?: number;
  /** Where the tfjs .wasm files are served from (a URL prefix ending in '/', or a map per file). */
  wasmPaths?: string | Record<string, string>;
}

/** What is active after {@link initBackend}. */
export interface BackendInfo {
  name: BackendName;
  simd: boolean;
  threads: number;
  tfjsVersion: string;
}

/**
 * Selects and initialises a TensorFlow.js backend, and registers tfjs-core's gradients.
 *
 * Hides tfjs's order-dependent wasm setup (threads and `setWasmPaths` before `setBackend`).
 * With `'auto'`, every backend that failed is reported together.
 *
 * @example
 * ```ts
 * const info = await initBackend({ backend: 'wasm' });
 * console.log(info); // { name: 'wasm', simd: true, threads: 1, tfjsVersion: '4.22.0' }
 * ```
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? 'auto';
  if (requested !== 'auto' && !(BACKENDS as readonly string[]).includes(requested)) {
    throw new BackendError(
      `Unknown backend '${String(requested)}'. Available: ${BACKENDS.join(', ')}, or 'auto'.`,
    );
  }
  await registerGradients();
  const order: BackendName[] = requested === 'auto' ? ['wasm', 'cpu'] : [requested];
  const failures: string[] = [];
  for (const name of order) {
    try {
      await activate(name, options);
      return backendInfo();
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new BackendError(
    `Could not initialise backend '${requested}'.\n  ${failures.join('\n  ')}\n` +
      `Available: ${BACKENDS.join(', ')}. Try --backend cpu, which needs no WebAssembly.`,
  );
}

/** Describes the active backend; call after {@link initBackend}. */
export function backendInfo(): BackendInfo {
  const name = getBackend();
  if (name !== 'cpu' && name !== 'wasm') {
    throw new BackendError(
      `The active tfjs backend is '${name}', not one of ${BACKENDS.join(', ')}. Call initBackend first.`,
    );
  }
  const wasm = name === 'wasm';
  return {
    name,
    simd: wasm && env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: wasm && env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasmThreads : 1,
    tfjsVersion: version_core,
  };
}

let wasmThreads = 1;

async function activate(name: BackendName, options: BackendOptions): Promise<void> {
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.threads != null) {
      wasm.setThreadsCount(options.threads);
    }
    const paths = options.wasmPaths ?? defaultWasmPaths();
    if (paths != null) wasm.setWasmPaths(paths);
  }
  if (!(await setBackend(name))) {
    throw new Error(`tfjs could not start the '${name}' backend`);
  }
  await ready();
  if (name === 'cpu') {
    // The cpu backend's first write prints advice to install tfjs-node, a native binary rnnkit
    // does not use; it would land in the middle of CLI output.
    const cpu = findBackend('cpu') as { firstUse?: boolean } | null;
    if (cpu != null) cpu.firstUse = false;
  }
  if (name === 'wasm') {
    wasmThreads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
  }
  // rnnkit's SIMD cell kernels and sampling stepper (which runs on either backend): compiled
  // here, asynchronously, because a browser's main thread refuses to compile modules this size
  // synchronously on first use.
  await initSimd();
}
