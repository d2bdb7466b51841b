const WASM_FILE = '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm';

/**
 * The folder holding tfjs's .wasm files when running in Node, as a path prefix ending in '/',
 * or undefined in a browser, where tfjs finds them beside its script (or the caller passes
 * `wasmPaths`).
 */
export function defaultWasmPaths(): string | undefined {
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc?.versions?.node == null || typeof proc.getBuiltinModule !== 'function') return undefined;
  const { createRequire } = proc.getBuiltinModule('node:module') as typeof import('node:module');
  const { dirname } = proc.getBuiltinModule('node:path') as typeof import('node:path');
  const file = createRequire(import.meta.url).resolve(WASM_FILE);
  return `${dirname(file)}/`;
}
