import { createRng } from '@rnnkit/core';
import { ACTIVATIONS, isActivation } from './cell/activations.js';
import { CELL_TYPES, gateCount, isCellType } from './cell/cell-type.js';
import { RecurrentOptionError } from './errors.js';
import { glorotUniform } from './init/glorot-uniform.js';
import { DEFAULT_SEED, type InitOptions } from './init/options.js';
import { orthogonal } from './init/orthogonal.js';
import { toVariable } from './init/to-variable.js';
import { uniform } from './init/uniform.js';
import type { Recurrent, RecurrentConfig, RecurrentLayer } from './recurrent.js';

/**
 * Creates a stack of recurrent layers with PyTorch parameter names and layout.
 *
 * Initialisation (`options.init`, seeded by `options.seed`, default 0):
 * - `'keras'` (default), as Keras' SimpleRNN/LSTM/GRU: `weightIh` Glorot-uniform over the whole
 *   `[G*H, I_l]` matrix, `weightHh` orthogonal per gate block (each `[H, H]` block, so every gate's
 *   recurrent map is norm-preserving; Keras draws one orthogonal `[H, G*H]` matrix instead), zero
 *   biases, and for LSTM a forget-gate bias of 1 (Keras `unit_forget_bias`), placed in `biasIh`'s
 *   f block with `biasHh` left 0 so that `b_ih + b_hh` equals the Keras bias.
 * - `'pytorch'`: every parameter U(-1/√H, 1/√H), as `torch.nn.RNN/LSTM/GRU`.
 *
 * @example
 * ```ts
 * const lstm = createRecurrent({ cell: 'lstm', inputSize: 65, hiddenSize: 128, numLayers: 2 }, { seed: 1 });
 * lstm.layers[0].weightIh.shape; // [512, 65]
 * ```
 */
export function createRecurrent(config: RecurrentConfig, options: InitOptions = {}): Recurrent {
  const full = checkConfig(config);
  const { cell, inputSize, hiddenSize: h, numLayers } = full;
  const g = gateCount(cell);
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const init = options.init ?? 'keras';
  const layers: RecurrentLayer[] = [];
  for (let l = 0; l < numLayers; l++) {
    const inSize = l === 0 ? inputSize : h;
    const shapes = { ih: [g * h, inSize], hh: [g * h, h], b: [g * h] };
    if (init === 'pytorch') {
      const bound = 1 / Math.sqrt(h);
      layers.push({
        weightIh: toVariable(uniform(shapes.ih, bound, rng), shapes.ih),
        weightHh: toVariable(uniform(shapes.hh, bound, rng), shapes.hh),
        biasIh: toVariable(uniform(shapes.b, bound, rng), shapes.b),
        biasHh: toVariable(uniform(shapes.b, bound, rng), shapes.b),
      });
    } else if (init === 'keras') {
      const hh = new Float32Array(g * h * h);
      for (let k = 0; k < g; k++) hh.set(orthogonal([h, h], rng), k * h * h);
      const bIh = new Float32Array(g * h);
      if (cell === 'lstm') bIh.fill(1, h, 2 * h);
      layers.push({
        weightIh: toVariable(glorotUniform(shapes.ih, rng), shapes.ih),
        weightHh: toVariable(hh, shapes.hh),
        biasIh: toVariable(bIh, shapes.b),
        biasHh: toVariable(new Float32Array(g * h), shapes.b),
      });
    } else {
      throw new RangeError(`Unknown init '${String(init)}': use 'keras' or 'pytorch'.`);
    }
  }
  return { config: full, layers };
}

function checkConfig(config: RecurrentConfig): Required<RecurrentConfig> {
  const {
    cell,
    inputSize,
    hiddenSize,
    numLayers = 1,
    activation = 'tanh',
    recurrentActivation = 'sigmoid',
  } = config;
  for (const [name, value] of [
    ['activation', activation],
    ['recurrentActivation', recurrentActivation],
  ] as const) {
    if (!isActivation(value)) {
      throw new RecurrentOptionError(
        `Unknown ${name} '${String(value)}': use one of ${ACTIVATIONS.join(', ')} ` +
          `('hardSigmoid' is Keras 2's and tfjs-layers' 0.2x + 0.5, 'hardSigmoidKeras3' is Keras 3's x/6 + 0.5).`,
      );
    }
  }
  if (!isCellType(cell)) {
    throw new RangeError(`Unknown cell '${String(cell)}': use one of ${CELL_TYPES.join(', ')}.`);
  }
  for (const [name, value] of [
    ['inputSize', inputSize],
    ['hiddenSize', hiddenSize],
    ['numLayers', numLayers],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a whole number >= 1, got ${String(value)}.`);
    }
  }
  return {
    cell,
    inputSize,
    hiddenSize,
    numLayers,
    activation,
    recurrentActivation,
  };
}
