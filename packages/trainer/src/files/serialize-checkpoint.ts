import type { NamedArray } from '@rnnkit/cells';
import type { io } from '@tensorflow/tfjs-core';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointData } from './checkpoint-data.js';

/** A checkpoint as the tfjs `tf.io` layout holds it: `model.json` and one weights file. */
export interface CheckpointArtifacts {
  /** The content of `model.json`. */
  modelJson: io.ModelJSON;
  /** The content of the weights file that `modelJson.weightsManifest` names. */
  weightData: ArrayBuffer;
}

/** Weight names of the optimizer slots and the carried state (never PyTorch names). */
export const slotWeightName = (param: string, slot: string) => `optimizer/${param}/${slot}`;
export const CARRIED_H = 'state/h';
export const CARRIED_C = 'state/c';

/**
 * Lays a checkpoint out as `tf.io` model artifacts: every float32 array (model weights,
 * optimizer slots, carried state) in one little-endian weights buffer described by a
 * `weightsManifest`, and the rest (model config, tokenizer, training state) as JSON in
 * `modelTopology` and `userDefinedMetadata`. Pure: no files, no Node, so it runs in a browser.
 *
 * @example
 * ```ts
 * const { modelJson, weightData } = serializeCheckpoint(trainer.checkpoint());
 * // write JSON.stringify(modelJson) to model.json and weightData to weights.bin
 * ```
 */
export function serializeCheckpoint(
  data: CheckpointData,
  options: { weightsPath?: string } = {},
): CheckpointArtifacts {
  const entries: [string, NamedArray][] = Object.entries(data.params);
  const t = data.training;
  let training: Record<string, unknown> | undefined;
  if (t) {
    const { slots, ...optimizer } = t.optimizer;
    for (const [param, bySlot] of Object.entries(slots)) {
      const shape = t.optimizer.shapes[param] ?? [];
      for (const [slot, values] of Object.entries(bySlot)) {
        entries.push([slotWeightName(param, slot), { shape, data: values }]);
      }
    }
    if (t.carried) {
      entries.push([CARRIED_H, t.carried.h]);
      if (t.carried.c) entries.push([CARRIED_C, t.carried.c]);
    }
    const { carried: _carried, ...rest } = t;
    training = { ...rest, optimizer };
  }
  const size = entries.reduce((n, [, a]) => n + a.data.length, 0);
  const all = new Float32Array(size);
  let offset = 0;
  for (const [, a] of entries) {
    all.set(a.data, offset);
    offset += a.data.length;
  }
  const weights = entries.map(([name, a]) => ({ name, shape: a.shape, dtype: 'float32' as const }));
  return {
    modelJson: {
      format: CHECKPOINT_FORMAT,
      generatedBy: '@rnnkit/trainer',
      convertedBy: null,
      modelTopology: { model: data.model, tokenizer: data.tokenizer },
      weightsManifest: [{ paths: [options.weightsPath ?? 'weights.bin'], weights }],
      userDefinedMetadata: {
        version: CHECKPOINT_VERSION,
        ...(training ? { training } : {}),
      },
    },
    weightData: all.buffer,
  };
}
