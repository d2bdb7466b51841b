import type { Recurrent } from '../recurrent.js';
import {
  type KerasGruVariant,
  type KerasLayerWeights,
  kerasToStateDict,
  stateDictToKeras,
} from './keras-layout.js';
import { loadRecurrentStateDict, recurrentStateDict } from './state-dict.js';

/**
 * The network's weights in Keras layout, one entry per layer, ready for Keras' or
 * tfjs-layers' `setWeights([kernel, recurrentKernel, bias])`. Pick `gru: 'reset-before'` for
 * tfjs-layers (throws `KerasLayoutError` unless the GRU is exactly expressible).
 *
 * @example
 * ```ts
 * const [l0] = recurrentKerasWeights(lstm);
 * kerasLstm.setWeights([l0.kernel, l0.recurrentKernel, l0.bias].map((a) => tf.tensor(a.data, a.shape)));
 * ```
 */
export function recurrentKerasWeights(
  rec: Recurrent,
  options: { gru?: KerasGruVariant } = {},
): KerasLayerWeights[] {
  return stateDictToKeras(rec.config, recurrentStateDict(rec), options.gru);
}

/**
 * Loads Keras-layout layers (`[kernel, recurrentKernel, bias]` each, as Keras' `get_weights`
 * returns them) into the network, all or nothing.
 *
 * @example
 * ```ts
 * loadRecurrentKerasWeights(lstm, [{ kernel, recurrentKernel, bias }]);
 * ```
 */
export function loadRecurrentKerasWeights(
  rec: Recurrent,
  layers: readonly KerasLayerWeights[],
  options: { gru?: KerasGruVariant } = {},
): void {
  loadRecurrentStateDict(rec, kerasToStateDict(rec.config, layers, options.gru));
}
