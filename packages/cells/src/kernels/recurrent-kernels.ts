import * as tf from '@tensorflow/tfjs-core';
import type { CellType } from '../cell/cell-type.js';
import { recurrentBackwardKernel } from './recurrent-backward.js';
import { recurrentForwardKernel } from './recurrent-forward.js';

/** Kernel names, registered per backend by {@link fusedBackend}. */
export const FORWARD_KERNEL = 'RnnkitRecurrentForward';
export const BACKWARD_KERNEL = 'RnnkitRecurrentBackward';

/** Attributes of both kernels. */
export interface RecurrentKernelAttrs {
  cell: CellType;
  time: number;
  batch: number;
  hidden: number;
}

const FUSED_BACKENDS = ['cpu', 'wasm'];

/**
 * The active backend if it runs rnnkit's fused recurrent kernels (cpu, wasm), registering
 * them on first use (never at import time); otherwise undefined and the runner falls back to
 * tfjs-core ops step by step (webgl, webgpu, ...).
 */
export function fusedBackend(): string | undefined {
  const name = tf.getBackend();
  if (!FUSED_BACKENDS.includes(name)) return undefined;
  if (tf.getKernel(FORWARD_KERNEL, name) == null) {
    tf.registerKernel({
      kernelName: FORWARD_KERNEL,
      backendName: name,
      kernelFunc: recurrentForwardKernel(name),
    });
  }
  if (tf.getKernel(BACKWARD_KERNEL, name) == null) {
    tf.registerKernel({
      kernelName: BACKWARD_KERNEL,
      backendName: name,
      kernelFunc: recurrentBackwardKernel(name),
    });
  }
  return name;
}
