import { type Recurrent, recurrentParams } from '../recurrent.js';
import type { NamedArrays, WeightDict } from './named-arrays.js';
import { loadParamsStateDict, paramsStateDict } from './state-dict.js';

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
