// Fuzzing the tfjs-layers importer (issue 13): mutated model.json files and weights bytes either
// import (and build a model without leaking) or fail with a named RnnkitError. A declared dtype
// other than float32 never imports.
import { initBackend } from '@rnnkit/backend';
import { createRng, RnnkitError } from '@rnnkit/core';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCharLM, disposeCharLM } from '../models/char-lm.js';
import { mutateJson } from '../test-support/mutate-json.js';
import { charLMToLayersModel, type LayersModelFiles } from './layers-model-export.js';
import { charLMFromLayersModel } from './layers-model-import.js';
import { charLMFromPortable, portableCharLM } from './portable-char-lm.js';

function outcome(trial: number, fn: () => void): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof RnnkitError) {
      expect(error.message.length, `trial ${trial}`).toBeLessThanOrEqual(2100);
      return error.code;
    }
    throw new Error(
      `trial ${trial}: not a named rnnkit error: ${String((error as Error)?.stack ?? error)}`,
    );
  }
}

describe('tfjs-layers import under fuzzing', { timeout: 120_000 }, () => {
  const files: LayersModelFiles[] = [];
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    const tokenizer = CharTokenizer.fromText('hello world');
    for (const [cell, input] of [
      ['lstm', 'onehot'],
      ['rnn', 'embedding'],
    ] as const) {
      const model = createCharLM(
        {
          vocabSize: tokenizer.vocabSize,
          cell,
          hiddenSize: 4,
          numLayers: 2,
          input,
          embeddingDim: 3,
        },
        { seed: 1 },
      );
      files.push(charLMToLayersModel(portableCharLM(model, tokenizer)));
      disposeCharLM(model);
    }
  });

  it('model.json: 3000 structural mutations', () => {
    const rng = createRng(1311);
    const outcomes: Record<string, number> = {};
    const tensors = tf.memory().numTensors;
    for (let trial = 0; trial < 3000; trial++) {
      const f = files[trial % files.length] as LayersModelFiles;
      const modelJson = mutateJson(f.modelJson, rng) as LayersModelFiles['modelJson'];
      const result = outcome(trial, () => {
        const p = charLMFromLayersModel({ modelJson, weightData: f.weightData }, 'fuzz/model.json');
        const { model } = charLMFromPortable(p);
        disposeCharLM(model);
      });
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(outcomes.ok ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(100);
    expect(outcomes['model-file'] ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(500);
  });

  it('weights: 1500 truncations, extensions, flips and declared dtypes', () => {
    const rng = createRng(1312);
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < 1500; trial++) {
      const f = files[trial % files.length] as LayersModelFiles;
      let bytes = new Uint8Array(f.weightData).slice();
      const modelJson = structuredClone(f.modelJson);
      const r = rng();
      if (r < 0.25) bytes = bytes.slice(0, Math.floor(rng() * bytes.length));
      else if (r < 0.4) bytes = Uint8Array.from([...bytes, ...new Uint8Array(4)]);
      else if (r < 0.7) {
        const specs = modelJson.weightsManifest[0]?.weights ?? [];
        const spec = specs[Math.floor(rng() * specs.length)];
        if (spec) {
          (spec as { dtype: string }).dtype = ['int32', 'bool', 'float16', 'uint8', 'complex64'][
            Math.floor(rng() * 5)
          ] as string;
        }
      } else {
        const i = Math.floor(rng() * bytes.length);
        bytes[i] = (bytes[i] as number) ^ (1 << Math.floor(rng() * 8));
      }
      const result = outcome(trial, () => {
        const p = charLMFromLayersModel({ modelJson, weightData: bytes.buffer }, 'fuzz/model.json');
        const { model } = charLMFromPortable(p);
        disposeCharLM(model);
      });
      if (r >= 0.4 && r < 0.7) expect(result, `trial ${trial}`).not.toBe('ok');
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    expect(outcomes.ok ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(100);
  });
});
