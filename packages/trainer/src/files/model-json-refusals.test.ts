// model.json texts that are not checkpoints are refused with a CheckpointError (never a
// TypeError), names in errors are cut to a readable length, and a checkpoint without training
// state reads back as a model only.
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  CheckpointError,
  createTrainer,
  deserializeCheckpoint,
  parseModelJson,
  serializeCheckpoint,
} from '../index.js';
import { generatedText } from '../test-support/generated-text.js';

let data: CheckpointData;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const trainer = createTrainer(generatedText(600), {
    hiddenSize: 4,
    numLayers: 1,
    batchSize: 2,
    seqLength: 8,
    steps: 1,
    sampleLength: 0,
  });
  data = trainer.checkpoint();
  trainer.dispose();
}, 60_000);

describe('parseModelJson', () => {
  it('refuses JSON that is not an object with a weightsManifest list', () => {
    for (const text of ['null', '5', '"model"', '[]', '{}', '{"weightsManifest": {}}', 'true']) {
      expect(() => parseModelJson(text, 'x/model.json'), text).toThrow(CheckpointError);
      expect(() => parseModelJson(text, 'x/model.json'), text).toThrow(
        'x/model.json is not a model.json with a weightsManifest list: it is not an rnnkit checkpoint.',
      );
    }
    expect(parseModelJson('{"weightsManifest": []}')).toEqual({ weightsManifest: [] });
  });
});

describe('deserializeCheckpoint', () => {
  it('reads a checkpoint without training state back as a model only', () => {
    const { training: _, ...modelOnly } = data;
    const back = deserializeCheckpoint(serializeCheckpoint(modelOnly));
    expect(Object.keys(back).sort()).toEqual(['model', 'params', 'tokenizer']);
    expect(back.params).toEqual(data.params);
  });

  it('names a weight it does not know, cut to 80 characters', () => {
    const { modelJson, weightData } = serializeCheckpoint(data);
    const long = `rnn.${'x'.repeat(200)}`;
    const json = JSON.parse(JSON.stringify(modelJson));
    json.weightsManifest[0].weights[0].name = long;
    const error = (() => {
      try {
        deserializeCheckpoint({ modelJson: json, weightData });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a CheckpointError');
    })();
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.message).toContain(`'${long.slice(0, 80)}…'`);
    expect(error.message).not.toContain(long);
  });
});
