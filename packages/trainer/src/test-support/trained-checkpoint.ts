// Test support: the checkpoint of a tiny model trained to the end on generated text.
import type { CheckpointData } from '../files/checkpoint-data.js';
import type { TrainOptions } from '../train/train-config.js';
import { createTrainer } from '../train/trainer.js';
import { generatedText } from './generated-text.js';

/** Trains a one-layer model of 4 units (unless `options` say otherwise) for `options.steps`. */
export async function trainedCheckpoint(
  options: TrainOptions & { steps: number },
  textLength = 1500,
): Promise<CheckpointData> {
  const trainer = createTrainer(generatedText(textLength), {
    hiddenSize: 4,
    numLayers: 1,
    batchSize: 2,
    seqLength: 8,
    evalEvery: 100,
    sampleLength: 0,
    ...options,
  });
  try {
    for await (const _ of trainer.run()) {
      // to the end
    }
    return trainer.checkpoint();
  } finally {
    trainer.dispose();
  }
}
