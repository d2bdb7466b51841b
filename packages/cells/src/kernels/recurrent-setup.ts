import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { activatedCell } from '../cell/activated.js';
import { type CellActivations, cellActivations, DEFAULT_ACTIVATIONS } from '../cell/activations.js';
import { gateCount } from '../cell/cell-type.js';
import { fusedCell } from '../cell/registry.js';
import type { RecurrentKernelAttrs } from './recurrent-contract.js';

/**
 * What the forward and backward recurrent kernels read from their attributes, chosen once per
 * call: the cell's fused steps, and the activated steps when Keras options ask for other
 * activations or for masked steps that carry their output (`special`; undefined on the default
 * path, which keeps `fused` and its SIMD kernels).
 */
export function recurrentSetup(attrs: NamedAttrMap | undefined) {
  const {
    cell,
    time: T,
    batch: B,
    hidden: H,
    activation = 'tanh',
    recurrentActivation = 'sigmoid',
    carry = false,
  } = attrs as unknown as RecurrentKernelAttrs & NamedAttrMap;
  const acts = cellActivations(activation, recurrentActivation);
  const special = acts || carry ? activatedCell(cell) : undefined;
  const pair: CellActivations = acts ?? DEFAULT_ACTIVATIONS;
  return { cell, T, B, H, carry, fused: fusedCell(cell), special, pair, GH: gateCount(cell) * H };
}
