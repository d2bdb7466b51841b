import * as tf from '@tensorflow/tfjs-core';

/** The backends rnnkit's JS kernels run on. */
export type KernelBackend = 'cpu' | 'wasm';

/**
 * The active backend's name when rnnkit's own JS kernels can run on it (`'cpu'` or `'wasm'`),
 * else undefined: callers then use plain tfjs ops.
 */
export function kernelBackend(): KernelBackend | undefined {
  const name = tf.getBackend();
  return name === 'cpu' || name === 'wasm' ? name : undefined;
}

/**
 * Registers `kernelFunc(backendName)` under `kernelName` for that backend unless it is already
 * registered: rnnkit's kernels are registered on first use, under rnnkit's own names, and never
 * replace a tfjs kernel.
 *
 * @example
 * ```ts
 * const backend = kernelBackend();
 * if (backend) registerKernelOnce('RnnkitAdamStep', backend, adamKernel);
 * ```
 */
export function registerKernelOnce(
  kernelName: string,
  backendName: KernelBackend,
  kernelFunc: (backendName: KernelBackend) => tf.KernelFunc,
): void {
  if (tf.getKernel(kernelName, backendName) != null) return;
  tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc(backendName) });
}
