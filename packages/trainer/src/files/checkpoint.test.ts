import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  charLMParams,
  createTrainer,
  deserializeCheckpoint,
  disposeCharLM,
  loadCharLM,
  parseModelJson,
  serializeCheckpoint,
} from '../index.js';
import { generatedText } from '../test-support/generated-text.js';

const TEXT = generatedText(2000);

async function trainedCheckpoint() {
  const trainer = createTrainer(TEXT, {
    hiddenSize: 8,
    batchSize: 4,
    seqLength: 8,
    steps: 3,
    evalEvery: 2,
    sampleLength: 0,
  });
  for await (const _ of trainer.run()) {
    // train to the end
  }
  const data = trainer.checkpoint();
  trainer.dispose();
  return data;
}

describe('checkpoint format', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('round-trips everything through model.json text and one weights buffer', async () => {
    const data = await trainedCheckpoint();
    const { modelJson, weightData } = serializeCheckpoint(data, { weightsPath: 'w.bin' });
    const text = JSON.stringify(modelJson);
    const back = deserializeCheckpoint({ modelJson: parseModelJson(text), weightData });
    expect(back).toEqual(data);
    expect(back.training?.optimizer.slots['fc.weight']?.m).toBeInstanceOf(Float32Array);
  });

  it('uses the tf.io layout: tf.io.decodeWeights reads the weights by name', async () => {
    const data = await trainedCheckpoint();
    const { modelJson, weightData } = serializeCheckpoint(data);
    expect(modelJson.format).toBe('rnnkit-char-lm');
    expect(modelJson.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    const tensors = tf.io.decodeWeights(weightData, modelJson.weightsManifest[0]?.weights ?? []);
    const fc = tensors['fc.weight'] as tf.Tensor;
    expect(Array.from(fc.dataSync())).toEqual(Array.from(data.params['fc.weight']?.data ?? []));
    expect(Object.keys(tensors)).toContain('optimizer/fc.weight/v');
    expect(Object.keys(tensors)).toContain('state/c');
    tf.dispose(Object.values(tensors));
  });

  it('loads the model and tokenizer with identical weights', async () => {
    const data = await trainedCheckpoint();
    const { model, tokenizer } = loadCharLM(data);
    expect(tokenizer.vocabSize).toBe(data.model.vocabSize);
    const w = charLMParams(model)['rnn.weight_hh_l0'] as tf.Variable;
    expect(Array.from(w.dataSync())).toEqual(
      Array.from(data.params['rnn.weight_hh_l0']?.data ?? []),
    );
    disposeCharLM(model);
  });

  it('rejects bad JSON, another format, a truncated or oversized weights file', async () => {
    const { modelJson, weightData } = serializeCheckpoint(await trainedCheckpoint());
    expect(() => parseModelJson('{"format": "rnnkit-ch')).toThrow(/not valid JSON/);
    expect(() =>
      deserializeCheckpoint({ modelJson: { ...modelJson, format: 'layers-model' }, weightData }),
    ).toThrow(/not an rnnkit checkpoint/);
    expect(() =>
      deserializeCheckpoint({ modelJson, weightData: weightData.slice(0, 100) }),
    ).toThrow(/has 100 bytes but model.json describes \d+: it is truncated/);
    expect(() =>
      deserializeCheckpoint({ modelJson, weightData: new ArrayBuffer(weightData.byteLength + 4) }),
    ).toThrow(CheckpointError);
    expect(() => deserializeCheckpoint({ modelJson: null, weightData })).toThrow(CheckpointError);
    const json = JSON.parse(JSON.stringify(modelJson));
    json.userDefinedMetadata.training.config.batchSize = 0;
    expect(() => deserializeCheckpoint({ modelJson: json, weightData })).toThrow(
      /training state is malformed \(config\.batchSize/,
    );
  });

  it('rejects weights that do not fit the model', async () => {
    const data = await trainedCheckpoint();
    const bad = { ...data, params: { ...data.params } };
    delete bad.params['fc.bias'];
    expect(() => loadCharLM(bad)).toThrow(/missing fc.bias/);
    expect(() => loadCharLM({ ...data, model: { ...data.model, hiddenSize: 9 } })).toThrow(
      CheckpointError,
    );
  });

  it('keeps Node out of the format code, so browsers can load checkpoints', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    // files/ holds the checkpoint and the interop formats: both must stay browser-safe.
    for (const file of readdirSync(dir).filter(
      (f) => f.endsWith('.ts') && !/\.i?test\.ts$/.test(f),
    )) {
      const source = readFileSync(`${dir}/${file}`, 'utf8');
      expect(source, file).not.toMatch(/from 'node:|require\(|\bprocess\.|\bBuffer\b/);
    }
    // The Node helpers are reached through '@rnnkit/trainer/node' only.
    const index = readFileSync(fileURLToPath(new URL('../index.ts', import.meta.url)), 'utf8');
    expect(index).not.toMatch(/from '\.\/node/);
  });
});
