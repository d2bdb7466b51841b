// Loads @tensorflow/tfjs-layers for tests, with the chained tensor methods it calls installed on
// the one tfjs-core (plain Node and vitest load tfjs-core's CommonJS build, which has none).
import { registerChainedOps } from '@rnnkit/backend';

export async function loadTfjsLayers(): Promise<typeof import('@tensorflow/tfjs-layers')> {
  registerChainedOps();
  return import('@tensorflow/tfjs-layers');
}
