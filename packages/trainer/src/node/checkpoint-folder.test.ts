import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  CheckpointError,
  charLMFromLayersModel,
  charLMToLayersModel,
  createCharLM,
  createTrainer,
  deserializeCheckpoint,
  disposeCharLM,
  parseModelJson,
  portableCharLM,
} from '../index.js';
import { findCheckpoint, loadCheckpoint, saveCheckpoint } from '../node.js';
import { generatedText } from '../test-support/generated-text.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-folder-'));
let data: CheckpointData;

describe('checkpoint folders from Node (@rnnkit/trainer/node)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    const trainer = createTrainer(generatedText(2000), {
      hiddenSize: 8,
      batchSize: 4,
      seqLength: 8,
      steps: 2,
      evalEvery: 2,
      sampleLength: 0,
    });
    for await (const _ of trainer.run()) {
      // to the end
    }
    data = trainer.checkpoint();
    trainer.dispose();
  });

  it('saves and loads a run folder: latest/ and best/ resolved, weights exact', async () => {
    await saveCheckpoint(join(dir, 'run', 'latest'), data);
    expect(await findCheckpoint(join(dir, 'run'))).toBe(join(dir, 'run', 'latest'));
    await saveCheckpoint(join(dir, 'run', 'best'), data);
    expect(await findCheckpoint(join(dir, 'run'))).toBe(join(dir, 'run', 'best'));
    expect(await findCheckpoint(join(dir, 'run'), 'latest')).toBe(join(dir, 'run', 'latest'));
    expect(await findCheckpoint(join(dir, 'run', 'best', 'model.json'))).toBe(
      join(dir, 'run', 'best'),
    );
    const back = await loadCheckpoint(join(dir, 'run'));
    expect(back.training?.step).toBe(2);
    expect(back.params).toEqual(data.params);
    expect(back.training?.config.init).toBe('pytorch');
    // Saving again replaces the weights file: one per folder.
    await saveCheckpoint(join(dir, 'run', 'best'), data);
    expect(readdirSync(join(dir, 'run', 'best')).filter((f) => f.endsWith('.bin'))).toHaveLength(1);
    await expect(loadCheckpoint(join(dir, 'nothing'))).rejects.toThrow(CheckpointError);
  });

  it('falls back to the other of best/ and latest/, and loads the one preferred', async () => {
    const onlyBest = join(dir, 'only-best');
    await saveCheckpoint(join(onlyBest, 'best'), data);
    expect(await findCheckpoint(onlyBest, 'latest')).toBe(join(onlyBest, 'best'));
    const both = join(dir, 'both');
    await saveCheckpoint(join(both, 'best'), data);
    await saveCheckpoint(join(both, 'latest'), { ...data, training: undefined });
    expect((await loadCheckpoint(both)).training?.step).toBe(2);
    expect((await loadCheckpoint(both, { prefer: 'latest' })).training).toBeUndefined();
  });

  it('names the weights file by step, saves a model without training state, and removes only its own old weights files', async () => {
    const folder = join(dir, 'names');
    await saveCheckpoint(folder, data);
    expect(readdirSync(folder).filter((f) => f.endsWith('.bin'))[0]).toMatch(
      /^weights-2-[0-9a-f]{8}\.bin$/,
    );
    // Files of the user's that only look like weights files stay.
    const theirs = ['my-weights-1.bin', 'weights-1.bin.orig'];
    for (const name of theirs) writeFileSync(join(folder, name), 'x');
    const { training: _, ...modelOnly } = data;
    await saveCheckpoint(folder, modelOnly);
    const files = readdirSync(folder).sort();
    const ours = files.filter((f) => !theirs.includes(f) && f !== 'model.json');
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/^weights-0-[0-9a-f]{8}\.bin$/);
    expect(files).toEqual(expect.arrayContaining(theirs));
    const back = await loadCheckpoint(folder);
    expect(back.training).toBeUndefined();
    expect(back.params).toEqual(data.params);
  });

  it('reads the weights from a Buffer, a Uint8Array view or an ArrayBuffer alike', async () => {
    await saveCheckpoint(join(dir, 'bytes'), data);
    const modelJson = parseModelJson(readFileSync(join(dir, 'bytes', 'model.json'), 'utf8'));
    const file = readdirSync(join(dir, 'bytes')).find((f) => f.endsWith('.bin')) as string;
    // A small Buffer from readFile sits inside Node's shared pool, at an offset.
    const buffer = readFileSync(join(dir, 'bytes', file));
    const padded = new Uint8Array(buffer.byteLength + 12);
    padded.set(buffer, 12);
    const inputs = [
      buffer,
      padded.subarray(12),
      buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
    ];
    for (const weightData of inputs) {
      expect(deserializeCheckpoint({ modelJson, weightData }).params).toEqual(data.params);
    }
  });

  it('parseModelJson returns a typed model.json, or says what is wrong', () => {
    const json = parseModelJson('{"format":"x","weightsManifest":[]}');
    expect(json.weightsManifest).toEqual([]);
    expect(() => parseModelJson('[1, 2]')).toThrow(/not a model.json with a weightsManifest/);
    expect(() => parseModelJson('{"a":')).toThrow(/not valid JSON/);
  });

  it('imports a tfjs-layers model from a Buffer', () => {
    const model = createCharLM({ vocabSize: 5, hiddenSize: 4 }, { seed: 1 });
    const files = charLMToLayersModel(portableCharLM(model));
    disposeCharLM(model);
    const weightData = Buffer.from(files.weightData);
    const p = charLMFromLayersModel({ modelJson: files.modelJson, weightData });
    expect(p.model.vocabSize).toBe(5);
  });
});
