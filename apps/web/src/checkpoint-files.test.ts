import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readCheckpointFiles, zipCheckpoint } from './checkpoint-files.js';

const modelJson = {
  format: 'rnnkit-char-lm',
  weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
};
const weights = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const file = (name: string, bytes: Uint8Array | string) => ({
  name,
  bytes: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
});

describe('checkpoint files', () => {
  it("zips the CLI's folder layout and reads it back", () => {
    const zip = zipCheckpoint('run', modelJson, weights.slice().buffer);
    const names = Object.keys(unzipSync(zip)).filter((n) => !n.endsWith('/'));
    expect(names.sort()).toEqual(['run/model.json', 'run/weights.bin']);
    const back = readCheckpointFiles([file('run.zip', zip)]);
    expect(back.modelJson).toEqual(modelJson);
    expect(new Uint8Array(back.weightData)).toEqual(weights);
  });

  it('reads model.json with the weights files its manifest names, in manifest order', () => {
    const json = { format: 'rnnkit-char-lm', weightsManifest: [{ paths: ['w-2.bin', 'w-1.bin'] }] };
    const back = readCheckpointFiles([
      file('w-1.bin', new Uint8Array([9])),
      file('model.json', JSON.stringify(json)),
      file('w-2.bin', new Uint8Array([7, 8])),
    ]);
    expect(new Uint8Array(back.weightData)).toEqual(new Uint8Array([7, 8, 9]));
  });

  it('says what is missing or wrong', () => {
    expect(() => readCheckpointFiles([])).toThrow(/No file picked/);
    expect(() => readCheckpointFiles([file('model.json', JSON.stringify(modelJson))])).toThrow(
      /names the weights file 'weights.bin', which was not picked/,
    );
    expect(() => readCheckpointFiles([file('model.json', 'not json')])).toThrow(
      /'model.json' is not a checkpoint: it is not JSON/,
    );
    expect(() => readCheckpointFiles([file('weights.bin', weights)])).toThrow(
      /None of the picked files is a model.json/,
    );
    const broken = zipCheckpoint('run', modelJson, weights.slice().buffer).slice(0, 40);
    expect(() => readCheckpointFiles([file('run.zip', broken)])).toThrow(/damaged zip/);
  });
});
