// Fuzzing every parser of untrusted checkpoint data (issue 13): model.json, the training state
// inside it, the weights bytes, and the safetensors sidecar. Each mutated input either loads
// (and then resumes without leaking a tensor) or fails with a named RnnkitError — never another
// exception, and never an allocation sized by a header field rather than by the bytes given.
import { initBackend } from '@rnnkit/backend';
import { createRng, RnnkitError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  charLMFromPortable,
  charLMFromSafetensors,
  charLMToSafetensors,
  createTrainer,
  deserializeCheckpoint,
  disposeCharLM,
  loadCharLM,
  parseModelJson,
  portableCharLM,
  resumeTrainer,
  serializeCheckpoint,
} from '../index.js';
import { generatedText } from '../test-support/generated-text.js';
import { mutateJson, mutateJsonText } from '../test-support/mutate-json.js';
import type { CheckpointData } from './checkpoint-data.js';

const TEXT = generatedText(2000);
let data: CheckpointData;

/** Runs `fn`; returns 'ok', or the named error's code; anything else fails the test. */
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

describe('checkpoint parsers under fuzzing', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    const trainer = createTrainer(TEXT, {
      hiddenSize: 6,
      numLayers: 2,
      batchSize: 2,
      seqLength: 8,
      steps: 3,
      evalEvery: 2,
      sampleLength: 0,
    });
    for await (const _ of trainer.run()) {
      // to the end
    }
    data = trainer.checkpoint();
    trainer.dispose();
  });

  it('model.json and its training state: 3000 structural mutations', () => {
    const { modelJson, weightData } = serializeCheckpoint(data, { weightsPath: 'w.bin' });
    const rng = createRng(1301);
    const outcomes: Record<string, number> = {};
    const tensors = tf.memory().numTensors;
    let resumed = 0;
    for (let trial = 0; trial < 3000; trial++) {
      let json = mutateJson(modelJson, rng);
      // Half the time, mutate the training state twice more: it is the deepest part.
      if (rng() < 0.5) {
        const training = (json as { userDefinedMetadata?: { training?: unknown } })
          ?.userDefinedMetadata;
        if (training && typeof training === 'object' && training.training !== undefined) {
          training.training = mutateJson(mutateJson(training.training, rng), rng);
        }
      }
      if (rng() < 0.1) json = parseTextOrJunk(mutateJsonText(JSON.stringify(json), rng));
      const result = outcome(trial, () => {
        const back = deserializeCheckpoint({ modelJson: json, weightData });
        // Every 10th success goes all the way: build the model, resume training.
        if (resumed < 30 && back.training && trial % 10 === 0) {
          resumed++;
          const t = resumeTrainer(TEXT, back, {});
          t.dispose();
        } else {
          const { model } = loadCharLM(back);
          disposeCharLM(model);
        }
      });
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(outcomes.ok ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(100);
    expect(outcomes.checkpoint ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(1000);
  });

  it('the weights bytes: 2000 truncations, extensions and bit flips', () => {
    const { modelJson, weightData } = serializeCheckpoint(data, { weightsPath: 'w.bin' });
    const bytes = new Uint8Array(weightData);
    const rng = createRng(1302);
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < 2000; trial++) {
      let b = bytes.slice();
      const r = rng();
      if (r < 0.3) b = b.slice(0, Math.floor(rng() * b.length));
      else if (r < 0.5) b = Uint8Array.from([...b, ...new Uint8Array(1 + Math.floor(rng() * 16))]);
      else {
        // Flipped bits: a weight that became NaN or Infinity must be refused, others load.
        for (let k = 0; k < 1 + Math.floor(rng() * 4); k++) {
          const i = Math.floor(rng() * b.length);
          b[i] = (b[i] as number) ^ (1 << Math.floor(rng() * 8));
        }
      }
      const result = outcome(trial, () => {
        const back = deserializeCheckpoint({ modelJson, weightData: b.buffer });
        const { model } = loadCharLM(back);
        disposeCharLM(model);
      });
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    expect(outcomes.ok ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(100);
    expect(outcomes.checkpoint ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(500);
  });

  it('model.json text: 1000 cut or altered texts parse or fail as CheckpointError', () => {
    const text = JSON.stringify(serializeCheckpoint(data).modelJson);
    const rng = createRng(1303);
    for (let trial = 0; trial < 1000; trial++) {
      outcome(trial, () => {
        const parsed = parseModelJson(mutateJsonText(text, rng)) as unknown as Record<
          string,
          unknown
        >;
        expect(Object.getPrototypeOf(parsed ?? {})).not.toHaveProperty('polluted');
      });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('safetensors sidecar and metadata: 2000 mutations', () => {
    const { bytes, sidecar } = charLMToSafetensors(
      portableCharLM(loadCharLM(data).model, undefined),
    );
    const rng = createRng(1304);
    const outcomes: Record<string, number> = {};
    const tensors = tf.memory().numTensors;
    for (let trial = 0; trial < 2000; trial++) {
      const side = mutateJson({ ...sidecar, tokenizer: data.tokenizer }, rng);
      const result = outcome(trial, () => {
        const p = charLMFromSafetensors(bytes, side, 'fuzz.safetensors');
        const { model } = charLMFromPortable(p);
        disposeCharLM(model);
      });
      outcomes[result] = (outcomes[result] ?? 0) + 1;
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(outcomes.ok ?? 0, JSON.stringify(outcomes)).toBeGreaterThan(50);
  });
});

function parseTextOrJunk(text: string): unknown {
  try {
    return parseModelJson(text);
  } catch {
    return text;
  }
}
