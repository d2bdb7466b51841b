// Loads @tensorflow/tfjs-layers onto the one tfjs-core rnnkit uses. In plain Node tfjs-core
// resolves to its CommonJS bundle, which lacks the chained tensor methods (`t.flatten()`)
// tfjs-layers calls; registerChainedOps installs them on the shared Tensor class.
import { registerChainedOps } from '@rnnkit/backend';

export type TfjsLayers = typeof import('@tensorflow/tfjs-layers');

/** tfjs-layers, or undefined when it is not installed (it is a dev dependency only). */
export async function loadTfjsLayers(): Promise<TfjsLayers | undefined> {
  let layers: TfjsLayers;
  try {
    layers = await import('@tensorflow/tfjs-layers');
  } catch {
    return undefined;
  }
  registerChainedOps();
  return layers;
}
