import type { Activation } from '../cell/activations.js';
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
  /** Keras options; absent (the defaults tanh, sigmoid, zero output) on the default path. */
  activation?: Activation;
  recurrentActivation?: Activation;
  /** Masked steps output the previous state (Keras `maskedOutput: 'previous'`). */
  carry?: boolean;
}

/**
 * The attributes a layer call adds for its Keras options: none for the defaults, so the
 * default path's kernel calls are exactly as before.
 */
export function kerasAttrs(
  activation: Activation,
  recurrentActivation: Activation,
  carry: boolean,
): Partial<RecurrentKernelAttrs> {
  const out: Partial<RecurrentKernelAttrs> = {};
  if (activation !== 'tanh') out.activation = activation;
  if (recurrentActivation !== 'sigmoid') out.recurrentActivation = recurrentActivation;
  if (carry) out.carry = true;
  return out;
}
