import * as tf from '@tensorflow/tfjs-core';
import {
  type CustomCell,
  type CustomRecurrent,
  type CustomRecurrentConfig,
  createCustomRecurrent,
} from '../cell/custom-cell.js';
import { createRecurrent } from '../create-recurrent.js';
import { DEFAULT_SEED, type InitOptions } from '../init/options.js';
import {
  type Recurrent,
  type RecurrentConfig,
  type RecurrentState,
  recurrentParams,
} from '../recurrent.js';

/** How the two directions' outputs combine (Keras `merge_mode`; PyTorch always concatenates). */
export type MergeMode = 'concat' | 'sum' | 'mean' | 'mul' | 'none';

const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mean', 'mul', 'none'];

export interface BidirectionalConfig extends RecurrentConfig {
  /**
   * Default `'concat'`: `[fwd, bwd]` on the last axis, 2H wide; `'sum'` / `'mean'` / `'mul'`
   * (Keras `ave`, `mul`): H wide; `'none'` (Keras `merge_mode=None`): both sequences apart
   * (`directions` of the result; `outputs` is then their concat), last layer only.
   */
  merge?: MergeMode;
  /** Dropout rate on each layer's merged output before the next layer (not after the last). */
  dropout?: number;
}

/**
 * A stack of bidirectional layers: layer l runs `forward[l]` over the sequence and
 * `backward[l]` over each example's valid steps in reverse, and layer l + 1 reads their merged
 * outputs. Each direction of each layer is a one-layer `Recurrent`, so it runs on the same
 * cells and BPTT as everything else.
 */
export interface Bidirectional {
  readonly config: Required<BidirectionalConfig>;
  readonly forward: readonly Recurrent[];
  readonly backward: readonly Recurrent[];
}

/** Final states per direction, each `[L, B, H]` as in `RecurrentState`. */
export interface BidirectionalState {
  forward: RecurrentState;
  /** The backward direction's state after it has read each example's first step. */
  backward: RecurrentState;
}

/**
 * Creates a bidirectional stack (Keras `Bidirectional(LSTM(...))` layers, or PyTorch
 * `nn.LSTM(bidirectional=True)` with `merge: 'concat'`, whose layer l + 1 also reads both
 * directions concatenated). Each direction of each layer is seeded from `options.seed`.
 *
 * @example
 * ```ts
 * const bi = createBidirectional({ cell: 'gru', inputSize: 8, hiddenSize: 16, merge: 'concat' });
 * bi.config; // { ..., numLayers: 1, merge: 'concat', dropout: 0 }; outputs are [B, T, 32]
 * ```
 */
export function createBidirectional(
  config: BidirectionalConfig,
  options: InitOptions = {},
): Bidirectional {
  const { merge = 'concat', dropout = 0, numLayers = 1, ...rest } = config;
  checkBidirectional(merge, dropout, numLayers);
  const seed = options.seed ?? DEFAULT_SEED;
  const forward: Recurrent[] = [];
  const backward: Recurrent[] = [];
  for (let l = 0; l < numLayers; l++) {
    const inputSize = l === 0 ? rest.inputSize : mergedSize(merge, rest.hiddenSize);
    const layer = { ...rest, inputSize, numLayers: 1 };
    forward.push(createRecurrent(layer, { ...options, seed: seed + 2 * l }));
    backward.push(createRecurrent(layer, { ...options, seed: seed + 2 * l + 1 }));
  }
  const { activation, recurrentActivation } = (forward[0] as Recurrent).config;
  const full = {
    ...rest,
    activation,
    recurrentActivation,
    numLayers,
    merge,
    dropout,
  } as Required<BidirectionalConfig>;
  return { config: full, forward, backward };
}

/** Sizes and merge of a bidirectional stack of custom cells. */
export interface CustomBidirectionalConfig extends CustomRecurrentConfig {
  merge?: MergeMode;
  dropout?: number;
}

/** A bidirectional stack of custom cells: run it with `runBidirectional`. */
export interface CustomBidirectional {
  readonly config: Required<CustomBidirectionalConfig> & { readonly cell: CustomCell };
  readonly forward: readonly CustomRecurrent[];
  readonly backward: readonly CustomRecurrent[];
}

/**
 * `createBidirectional` for a custom cell (`defineCell`): each direction of each layer is a
 * one-layer `createCustomRecurrent`, seeded as `createBidirectional` seeds its layers.
 *
 * @example
 * ```ts
 * const bi = createCustomBidirectional(myCell, { inputSize: 3, hiddenSize: 4, merge: 'sum' });
 * const { outputs } = runBidirectional(bi, x, { seqLengths }); // [B, T, 4]
 * ```
 */
export function createCustomBidirectional(
  cell: CustomCell,
  config: CustomBidirectionalConfig,
  options: { seed?: number } = {},
): CustomBidirectional {
  const { merge = 'concat', dropout = 0, numLayers = 1, inputSize, hiddenSize } = config;
  checkBidirectional(merge, dropout, numLayers);
  const seed = options.seed ?? DEFAULT_SEED;
  const forward: CustomRecurrent[] = [];
  const backward: CustomRecurrent[] = [];
  try {
    for (let l = 0; l < numLayers; l++) {
      const layer = {
        inputSize: l === 0 ? inputSize : mergedSize(merge, hiddenSize),
        hiddenSize,
        numLayers: 1,
      };
      forward.push(createCustomRecurrent(cell, layer, { seed: seed + 2 * l }));
      backward.push(createCustomRecurrent(cell, layer, { seed: seed + 2 * l + 1 }));
    }
  } catch (error) {
    for (const r of [...forward, ...backward]) tf.dispose(Object.values(recurrentParams(r)));
    throw error;
  }
  return {
    config: { cell, inputSize, hiddenSize, numLayers, merge, dropout },
    forward,
    backward,
  };
}

function checkBidirectional(merge: MergeMode, dropout: number, numLayers: number): void {
  if (!MERGE_MODES.includes(merge)) {
    throw new RangeError(`Unknown merge '${String(merge)}': use one of ${MERGE_MODES.join(', ')}.`);
  }
  if (!(dropout >= 0 && dropout < 1)) {
    throw new RangeError(`createBidirectional: dropout must be in [0, 1), got ${String(dropout)}.`);
  }
  if (!Number.isInteger(numLayers) || numLayers < 1) {
    throw new RangeError(`numLayers must be a whole number >= 1, got ${String(numLayers)}.`);
  }
  if (merge === 'none' && numLayers > 1) {
    throw new RangeError(
      "createBidirectional: merge 'none' returns two sequences, so numLayers must be 1; merge the lower layers with 'concat', 'sum', 'mean' or 'mul'.",
    );
  }
}

/** Width of a merged output: 2H for concat, H otherwise. */
function mergedSize(merge: MergeMode, hiddenSize: number): number {
  return merge === 'concat' || merge === 'none' ? 2 * hiddenSize : hiddenSize;
}

/**
 * The variables under PyTorch's bidirectional `state_dict` names: `weight_ih_l0`, …,
 * `bias_hh_l0`, then `weight_ih_l0_reverse`, …, per layer.
 *
 * @example
 * ```ts
 * Object.keys(bidirectionalParams(bi)); // ['weight_ih_l0', …, 'bias_hh_l0_reverse']
 * ```
 */
export function bidirectionalParams(
  bi: Bidirectional | CustomBidirectional,
): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  for (let l = 0; l < bi.config.numLayers; l++) {
    for (const [dir, suffix] of [
      [bi.forward[l], ''],
      [bi.backward[l], '_reverse'],
    ] as const) {
      for (const [name, v] of Object.entries(recurrentParams(dir as Recurrent | CustomRecurrent))) {
        params[`${name.replace(/_l0$/, `_l${l}`)}${suffix}`] = v;
      }
    }
  }
  return params;
}

/** Frees the variables of both directions of every layer. */
export function disposeBidirectional(bi: Bidirectional | CustomBidirectional): void {
  tf.dispose(Object.values(bidirectionalParams(bi)));
}
