// A tfjs-layers model saved in memory, as the files `model.save` would write.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LayersModelFiles } from '../files/layers-model-export.js';

/** What `model.save` hands a save handler, as model.json + weights. */
export async function saveLayersModel(net: LayersModel): Promise<LayersModelFiles> {
  let files: LayersModelFiles | undefined;
  await net.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData;
      files = {
        modelJson: JSON.parse(
          JSON.stringify({
            modelTopology: a.modelTopology,
            format: 'layers-model',
            weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
          }),
        ),
        weightData: Array.isArray(data)
          ? tf.io.CompositeArrayBuffer.join(data)
          : (data as ArrayBuffer),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files as LayersModelFiles;
}
