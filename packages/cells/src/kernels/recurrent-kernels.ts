import { kernelBackend, registerKernelOnce } from '@rnnkit/core/kernels';
import * as tf from '@tensorflow/tfjs-core';
import { recurrentBackwardKernel } from './recurrent-backward.js';
import { BACKWARD_KERNEL, FORWARD_KERNEL } from './recurrent-contract.js';
import { recurrentForwardKernel } from './recurrent-forward.js';

/**
 * Registers rnnkit's fused recurrent kernels for the active backend unless they are
 * registered already: on first use, never at import time. They run on cpu and wasm alone;
 * elsewhere (webgl, webgpu, ...) the runner uses tfjs-core ops step by step, so callers ask
 * `kernelBackend()` first.
 */
export function ensureRecurrentKernels(): void {
  const backend = kernelBackend();
  if (backend == null) {
    throw new Error(
      `rnnkit's fused recurrent kernels run on cpu and wasm, not on ${tf.getBackend()}.`,
    );
  }
  registerKernelOnce(FORWARD_KERNEL, backend, recurrentForwardKernel);
  registerKernelOnce(BACKWARD_KERNEL, backend, recurrentBackwardKernel);
}
