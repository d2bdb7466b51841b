import * as tf from '@tensorflow/tfjs-core';
import { WeightFormatError } from '../errors.js';
import { type Recurrent, recurrentParams } from '../recurrent.js';
import { type NamedArrays, readNamedArray, type WeightDict } from './named-arrays.js';

const show = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Copies variables out as named float32 arrays, each name prefixed with `prefix`.
 * Reads the values synchronously: for saving, not for training loops.
 *
 * @example
 * ```ts
 * paramsStateDict({ weight: fc.weight, bias: fc.bias }, 'fc.'); // { 'fc.weight': {...}, 'fc.bias': {...} }
 * ```
 */
export function paramsStateDict(params: Record<string, tf.Variable>, prefix = ''): NamedArrays {
  const out: NamedArrays = {};
  for (const [name, v] of Object.entries(params)) {
    out[prefix + name] = { shape: [...v.shape], data: Float32Array.from(v.dataSync()) };
  }
  return out;
}

/**
 * Assigns variables from a weight dictionary, all or nothing. Every name `prefix + key` must be
 * present with the variable's shape; names that start with `prefix` but match no variable are
 * errors too (entries outside the prefix belong to other modules and are ignored). Every
 * problem is listed in one `WeightFormatError`.
 *
 * @example
 * ```ts
 * loadParamsStateDict({ weight: fc.weight, bias: fc.bias }, stateDict, 'fc.');
 * ```
 */
export function loadParamsStateDict(
  params: Record<string, tf.Variable>,
  dict: WeightDict,
  prefix = '',
  what = 'these parameters',
): void {
  const problems: string[] = [];
  const ready: [tf.Variable, Float32Array][] = [];
  for (const [name, v] of Object.entries(params)) {
    const key = prefix + name;
    if (!Object.hasOwn(dict, key)) {
      problems.push(`missing ${key} ${show(v.shape)}`);
      continue;
    }
    const array = readNamedArray(dict[key]);
    if (typeof array === 'string') {
      problems.push(`${key} ${array}`);
    } else if (show(array.shape) !== show(v.shape)) {
      problems.push(`${key} has shape ${show(array.shape)}, expected ${show(v.shape)}`);
    } else {
      ready.push([v, array.data]);
    }
  }
  const expected = new Set(Object.keys(params).map((name) => prefix + name));
  for (const key of Object.keys(dict)) {
    if (key.startsWith(prefix) && !expected.has(key)) problems.push(`unexpected ${key}`);
  }
  if (problems.length > 0) {
    throw new WeightFormatError(
      `The weights do not fit ${what}:\n  ${problems.join('\n  ')}\n` +
        `Expected: ${[...expected].join(', ')}.`,
    );
  }
  tf.tidy(() => {
    for (const [v, data] of ready) v.assign(tf.tensor(data, v.shape, 'float32'));
  });
}

/**
 * The network's weights under PyTorch `state_dict` names (`weight_ih_l0`, ...), prefixed with
 * `prefix`, as row-major float32: `torch.nn.LSTM(...).state_dict()` has the same names, shapes
 * and layout. Reads values synchronously (for saving, not for training loops).
 *
 * @example
 * ```ts
 * const dict = recurrentStateDict(lstm, 'rnn.'); // { 'rnn.weight_ih_l0': { shape: [4H, I], data }, ... }
 * ```
 */
export function recurrentStateDict(rec: Recurrent, prefix = ''): NamedArrays {
  return paramsStateDict(recurrentParams(rec), prefix);
}

/**
 * Loads weights by PyTorch `state_dict` name, from named arrays or from nested number arrays
 * (e.g. JSON). Checks everything first and loads nothing on error: missing names, unexpected
 * names under `prefix`, and wrong shapes are all listed in one `WeightFormatError`.
 *
 * @example
 * ```ts
 * loadRecurrentStateDict(lstm, { weight_ih_l0: [[...], ...], weight_hh_l0: ..., bias_ih_l0: ..., bias_hh_l0: ... });
 * ```
 */
export function loadRecurrentStateDict(rec: Recurrent, dict: WeightDict, prefix = ''): void {
  const { cell, inputSize, hiddenSize, numLayers } = rec.config;
  const what = `this ${cell} (inputSize ${inputSize}, hiddenSize ${hiddenSize}, numLayers ${numLayers})`;
  loadParamsStateDict(recurrentParams(rec), dict, prefix, what);
}
