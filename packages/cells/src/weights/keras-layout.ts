import { transposeMatrix } from '@rnnkit/core';
import { type CellType, gateCount } from '../cell/cell-type.js';
import { KerasLayoutError } from '../errors.js';
import type { RecurrentConfig } from '../recurrent.js';
import { type NamedArray, type NamedArrays, transposeNamedArray } from './named-arrays.js';

/**
 * Keras GRU variants: `'reset-after'` is Keras TF2's default (`GRU(reset_after=True)`) and
 * rnnkit's and PyTorch's math; `'reset-before'` is the only GRU of tfjs-layers, equal to it
 * only when the recurrent n block is diagonal and its bias zero.
 */
export type KerasGruVariant = 'reset-after' | 'reset-before';

/** One recurrent layer in Keras layout, in the order Keras' `set_weights` expects. */
export interface KerasLayerWeights {
  kernel: NamedArray; // [I_l, G*H]
  recurrentKernel: NamedArray; // [H, G*H]
  bias: NamedArray; // [G*H], or [2, 3H] for a reset-after GRU
}

// Keras orders GRU blocks z, r, h where PyTorch has r, z, n; the swap is its own inverse.
const GRU_ORDER = [1, 0, 2];

/**
 * Maps PyTorch-layout recurrent weights (`weight_ih_l0`, … without prefix) to Keras layout:
 * kernels transposed, GRU blocks reordered, rnn/lstm biases summed (`b_ih + b_hh`).
 *
 * @example
 * ```ts
 * const [layer0] = stateDictToKeras(rnn.config, recurrentStateDict(rnn));
 * layer0.kernel.shape; // [I, 4H] for an LSTM
 * ```
 */
export function stateDictToKeras(
  config: Pick<Required<RecurrentConfig>, 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers'>,
  dict: NamedArrays,
  gru: KerasGruVariant = 'reset-after',
): KerasLayerWeights[] {
  const { cell, hiddenSize: h } = config;
  const order = cell === 'gru' ? GRU_ORDER : undefined;
  const out: KerasLayerWeights[] = [];
  for (let l = 0; l < config.numLayers; l++) {
    const get = (name: string): NamedArray => {
      const a = dict[`${name}_l${l}`];
      if (!a) throw new KerasLayoutError(`Missing ${name}_l${l} in the recurrent weights.`);
      return a;
    };
    const [wih, whh, bih, bhh] = [
      get('weight_ih'),
      get('weight_hh'),
      get('bias_ih'),
      get('bias_hh'),
    ];
    let bias: NamedArray;
    if (cell !== 'gru')
      bias = {
        shape: [bih.data.length],
        data: bih.data.map((v, i) => v + (bhh.data[i] ?? 0)),
      };
    else if (gru === 'reset-after') {
      const rows = new Float32Array(6 * h);
      rows.set(reorder(bih.data, h, order), 0);
      rows.set(reorder(bhh.data, h, order), 3 * h);
      bias = { shape: [2, 3 * h], data: rows };
    } else {
      checkResetBefore(l, h, whh.data.subarray(2 * h * h), bhh.data.subarray(2 * h), 'weight_hh');
      const sum = bih.data.map((v, i) => v + (bhh.data[i] ?? 0));
      bias = { shape: [3 * h], data: reorder(sum, h, order) };
    }
    out.push({
      kernel: transposeNamedArray({
        shape: wih.shape,
        data: reorder(wih.data, h * (wih.shape[1] ?? 0), order),
      }),
      recurrentKernel: transposeNamedArray({
        shape: whh.shape,
        data: reorder(whh.data, h * h, order),
      }),
      bias,
    });
  }
  return out;
}

/**
 * Maps Keras-layout layers back to PyTorch names (`weight_ih_l0`, …). Keras has one bias per
 * gate, so rnn/lstm (and reset-before GRU) biases land in `bias_ih` with `bias_hh` zero.
 *
 * @example
 * ```ts
 * loadRecurrentStateDict(rnn, kerasToStateDict(rnn.config, layers));
 * ```
 */
export function kerasToStateDict(
  config: Pick<Required<RecurrentConfig>, 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers'>,
  layers: readonly KerasLayerWeights[],
  gru: KerasGruVariant = 'reset-after',
): NamedArrays {
  const { cell, hiddenSize: h, numLayers } = config;
  if (layers.length !== numLayers) {
    throw new KerasLayoutError(`Expected ${numLayers} Keras ${cell} layers, got ${layers.length}.`);
  }
  const g = gateCount(cell);
  const order = cell === 'gru' ? GRU_ORDER : undefined;
  const dict: NamedArrays = {};
  layers.forEach((layer, l) => {
    const inSize = l === 0 ? config.inputSize : h;
    const twoBias = cell === 'gru' && gru === 'reset-after';
    expectShape(layer.kernel, [inSize, g * h], `layer ${l} kernel`, cell);
    expectShape(layer.recurrentKernel, [h, g * h], `layer ${l} recurrent kernel`, cell);
    expectShape(layer.bias, twoBias ? [2, 3 * h] : [g * h], `layer ${l} bias`, cell);
    const whh = reorder(transposeMatrix(layer.recurrentKernel.data, h, g * h), h * h, order);
    if (cell === 'gru' && gru === 'reset-before') {
      checkResetBefore(l, h, whh.subarray(2 * h * h), new Float32Array(h), 'recurrent kernel');
    }
    const b = layer.bias.data;
    dict[`weight_ih_l${l}`] = {
      shape: [g * h, inSize],
      data: reorder(transposeMatrix(layer.kernel.data, inSize, g * h), h * inSize, order),
    };
    dict[`weight_hh_l${l}`] = { shape: [g * h, h], data: whh };
    dict[`bias_ih_l${l}`] = {
      shape: [g * h],
      data: reorder(b.slice(0, g * h), h, order),
    };
    dict[`bias_hh_l${l}`] = {
      shape: [g * h],
      data: twoBias ? reorder(b.slice(3 * h), h, order) : new Float32Array(g * h),
    };
  });
  return dict;
}

/** Reorders consecutive blocks of `block` values (gate blocks along the first axis). */
function reorder(data: Float32Array, block: number, order?: readonly number[]): Float32Array {
  if (!order) return Float32Array.from(data);
  const out = new Float32Array(data.length);
  for (const [to, from] of order.entries()) {
    out.set(data.subarray(from * block, (from + 1) * block), to * block);
  }
  return out;
}

function checkResetBefore(
  l: number,
  h: number,
  wn: Float32Array,
  bn: Float32Array,
  what: string,
): void {
  let off = 0;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < h; c++) if (r !== c) off = Math.max(off, Math.abs(wn[r * h + c] as number));
  const bias = bn.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (off === 0 && bias === 0) return;
  throw new KerasLayoutError(
    `GRU layer ${l} has no exact reset-before form (the only GRU tfjs-layers has): its ${what} ` +
      `n block is ${off === 0 ? 'diagonal' : `not diagonal (largest off-diagonal |w| ${off.toPrecision(3)})`}` +
      `${bias === 0 ? '' : ` and its recurrent n bias is not zero (largest |b| ${bias.toPrecision(3)})`}. ` +
      `rnnkit's GRU is Keras' GRU(reset_after=True): move it through safetensors to PyTorch, ` +
      `or to Keras TF2 with reset_after=True; export LSTM or RNN models to tfjs-layers.`,
  );
}

function expectShape(a: NamedArray, shape: number[], what: string, cell: CellType): void {
  if (a.shape.join() !== shape.join() || a.data.length !== shape.reduce((x, y) => x * y, 1)) {
    throw new KerasLayoutError(
      `The Keras ${cell} ${what} has shape [${a.shape.join(', ')}], expected [${shape.join(', ')}] ` +
        `(check the cell type, hidden size and input size).`,
    );
  }
}
