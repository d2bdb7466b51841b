import { createRng } from '@rnnkit/core';
import type * as tf from '@tensorflow/tfjs-core';
import { CustomCellError } from '../errors.js';
import { glorotUniform } from '../init/glorot-uniform.js';
import { DEFAULT_SEED } from '../init/options.js';
import { orthogonal } from '../init/orthogonal.js';
import { sizeOf } from '../init/size-of.js';
import { toVariable } from '../init/to-variable.js';
import { uniform } from '../init/uniform.js';

/** A custom cell's state at one step: `h [B, H]`, and `c [B, H]` when the cell declares it. */
export interface CustomCellState {
  h: tf.Tensor2D;
  c?: tf.Tensor2D;
}

/** The sizes a parameter's shape may depend on; `inputSize` is H above the first layer. */
export interface CustomCellSizes {
  inputSize: number;
  hiddenSize: number;
}

/** Built-in initialisers, seeded like `createRecurrent`'s. */
export type CustomCellInit =
  | 'glorotUniform'
  | 'orthogonal'
  | 'zeros'
  | 'ones'
  /** U(-1/√H, 1/√H), PyTorch's default for its recurrent cells. */
  | 'uniform'
  /** Your own: `shape.reduce(*)` float32 values, row-major, drawn from `rng` (U[0, 1)). */
  | ((shape: readonly number[], rng: () => number, sizes: CustomCellSizes) => Float32Array);

/** One parameter of a custom cell: its shape (per layer) and how it starts. */
export interface CustomCellParam {
  shape: (sizes: CustomCellSizes) => number[];
  init: CustomCellInit;
}

/** What `defineCell` takes: a name for messages, the state it carries, its parameters, a step. */
export interface CustomCellSpec {
  /** Used in error messages and parameter names stay yours (`<param>_l<layer>`). */
  name: string;
  /** `'h'` (one `[B, H]` state, as RNN/GRU) or `'hc'` (h and c, each `[B, H]`, as LSTM). */
  state: 'h' | 'hc';
  params: Record<string, CustomCellParam>;
  /**
   * One step in tfjs ops: `x [B, I_l]`, the previous state, this layer's parameters → the new
   * state (`h` is also the step's output). Runs inside the runner's `tf.tidy`; recorded by the
   * tape, so any differentiable tfjs op works.
   */
  step(x: tf.Tensor2D, state: CustomCellState, params: Record<string, tf.Tensor>): CustomCellState;
}

/** A checked custom cell, ready for `createCustomRecurrent` / `createCustomBidirectional`. */
export interface CustomCell extends Readonly<CustomCellSpec> {
  readonly kind: 'custom';
}

/** Network sizes of a custom stack (the cell is given apart). */
export interface CustomRecurrentConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
}

/** A stack of custom-cell layers: run it with `runRecurrent` like a built-in `Recurrent`. */
export interface CustomRecurrent {
  readonly config: Required<CustomRecurrentConfig> & { readonly cell: CustomCell };
  /** Per layer, the cell's parameters by name. */
  readonly layers: readonly Readonly<Record<string, tf.Variable>>[];
}

const INITS = ['glorotUniform', 'orthogonal', 'zeros', 'ones', 'uniform'];

/**
 * Checks a custom cell's definition: a step in tfjs ops, the state it carries and its
 * parameters with their shapes and initialisers. The cell runs through `runRecurrent`
 * (sequence lengths, masks, goBackwards, stacking) and `runBidirectional` like the built-in
 * cells, but step by step in tfjs ops, trained by tfjs autodiff: slower than the built-in
 * cells, whose fused kernels and hand-written BPTT it cannot use (see the README).
 *
 * @example
 * ```ts
 * const tanhRnn = defineCell({
 *   name: 'tanhRnn',
 *   state: 'h',
 *   params: {
 *     w: { shape: ({ inputSize, hiddenSize }) => [inputSize, hiddenSize], init: 'glorotUniform' },
 *     u: { shape: ({ hiddenSize }) => [hiddenSize, hiddenSize], init: 'orthogonal' },
 *     b: { shape: ({ hiddenSize }) => [hiddenSize], init: 'zeros' },
 *   },
 *   step: (x, { h }, p) => ({ h: tf.tanh(tf.add(tf.add(tf.matMul(x, p.w), tf.matMul(h, p.u)), p.b)) }),
 * });
 * ```
 */
export function defineCell(spec: CustomCellSpec): CustomCell {
  const name = typeof spec?.name === 'string' && spec.name !== '' ? spec.name : undefined;
  if (name == null) throw new CustomCellError('defineCell: give the cell a non-empty name.');
  const where = `Custom cell '${name}'`;
  if (spec.state !== 'h' && spec.state !== 'hc') {
    throw new CustomCellError(
      `${where}: state must be 'h' (one [batch, hidden] state) or 'hc' (h and c, as LSTM), got ${String(spec.state)}.`,
    );
  }
  if (typeof spec.step !== 'function') {
    throw new CustomCellError(`${where}: step must be a function (x, state, params) => state.`);
  }
  if (spec.params == null || typeof spec.params !== 'object') {
    throw new CustomCellError(`${where}: params must be an object of { shape, init }.`);
  }
  for (const [p, def] of Object.entries(spec.params)) {
    if (typeof def?.shape !== 'function') {
      throw new CustomCellError(
        `${where}: parameter '${p}' needs shape: ({ inputSize, hiddenSize }) => number[].`,
      );
    }
    if (typeof def.init !== 'function' && !INITS.includes(def.init)) {
      throw new CustomCellError(
        `${where}: parameter '${p}' has unknown init '${String(def.init)}': use one of ${INITS.join(', ')} or a function.`,
      );
    }
  }
  return Object.freeze({ ...spec, kind: 'custom' as const });
}

/** Whether `rec` is a stack of custom cells (made by `createCustomRecurrent`). */
export function isCustomRecurrent(rec: { config: { cell: unknown } }): rec is CustomRecurrent {
  const cell = rec.config.cell as { kind?: unknown } | undefined;
  return typeof cell === 'object' && cell?.kind === 'custom';
}

/**
 * Creates a stack of `numLayers` layers of a custom cell, each parameter drawn by its
 * initialiser from a stream seeded by `options.seed` (default 0), layer by layer in the order
 * the cell lists them. Variables are named in `recurrentParams` as `<param>_l<layer>`.
 *
 * @example
 * ```ts
 * const rec = createCustomRecurrent(tanhRnn, { inputSize: 3, hiddenSize: 8, numLayers: 2 });
 * const { outputs, state } = runRecurrent(rec, x); // outputs [B, T, 8], state.h [2, B, 8]
 * ```
 */
export function createCustomRecurrent(
  cell: CustomCell,
  config: CustomRecurrentConfig,
  options: { seed?: number } = {},
): CustomRecurrent {
  if (cell?.kind !== 'custom') {
    throw new CustomCellError('createCustomRecurrent: pass a cell made by defineCell.');
  }
  const { inputSize, hiddenSize, numLayers = 1 } = config;
  for (const [key, value] of [
    ['inputSize', inputSize],
    ['hiddenSize', hiddenSize],
    ['numLayers', numLayers],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${key} must be a whole number >= 1, got ${String(value)}.`);
    }
  }
  const rng = createRng(options.seed ?? DEFAULT_SEED);
  const layers: Record<string, tf.Variable>[] = [];
  try {
    for (let l = 0; l < numLayers; l++) {
      const sizes = { inputSize: l === 0 ? inputSize : hiddenSize, hiddenSize };
      const layer: Record<string, tf.Variable> = {};
      layers.push(layer);
      for (const [p, def] of Object.entries(cell.params)) {
        const shape = def.shape(sizes);
        if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 1)) {
          throw new CustomCellError(
            `Custom cell '${cell.name}': parameter '${p}' shape must be whole numbers >= 1, got ${JSON.stringify(shape)} for ${JSON.stringify(sizes)}.`,
          );
        }
        const data = initialValues(def.init, shape, rng, sizes);
        if (data.length !== sizeOf(shape)) {
          throw new CustomCellError(
            `Custom cell '${cell.name}': the init of parameter '${p}' gave ${data.length} values, expected ${sizeOf(shape)} for shape [${shape.join(', ')}].`,
          );
        }
        layer[p] = toVariable(Float32Array.from(data), shape);
      }
    }
  } catch (error) {
    for (const layer of layers) for (const v of Object.values(layer)) v.dispose();
    throw error;
  }
  return { config: { cell, inputSize, hiddenSize, numLayers }, layers };
}

function initialValues(
  init: CustomCellInit,
  shape: number[],
  rng: () => number,
  sizes: CustomCellSizes,
): Float32Array {
  if (typeof init === 'function') return init(shape, rng, sizes);
  switch (init) {
    case 'glorotUniform':
      return glorotUniform(shape, rng);
    case 'orthogonal':
      return orthogonal(shape, rng);
    case 'uniform':
      return uniform(shape, 1 / Math.sqrt(sizes.hiddenSize), rng);
    case 'ones':
      return new Float32Array(sizeOf(shape)).fill(1);
    default:
      return new Float32Array(sizeOf(shape));
  }
}
