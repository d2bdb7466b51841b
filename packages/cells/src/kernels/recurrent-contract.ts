import type { CellType } from '../cell/cell-type.js';

/**
 * The names and attributes of rnnkit's two fused recurrent kernels: what `run-layer-fused.ts`
 * and `backprop-layer-fused.ts` call and `recurrent-forward.ts` / `recurrent-backward.ts`
 * implement. Kept apart from the registration (`recurrent-kernels.ts`) so that the kernels
 * import the contract and the registration imports the kernels, never the other way round.
 */
export const FORWARD_KERNEL = 'RnnkitRecurrentForward';
export const BACKWARD_KERNEL = 'RnnkitRecurrentBackward';

/** Attributes of both kernels. */
export interface RecurrentKernelAttrs {
  cell: CellType;
  time: number;
  batch: number;
  hidden: number;
}
