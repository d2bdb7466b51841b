// Checkpoint folders when something is wrong on disk: weights that do not match model.json,
// a save that cannot finish, weights split over several files.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CheckpointData, CheckpointError, createTrainer } from '../index.js';
import { loadCheckpoint, saveCheckpoint } from '../node.js';
import { generatedText } from '../test-support/generated-text.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-folder-fail-'));
let one: CheckpointData;
let two: CheckpointData;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const trainer = createTrainer(generatedText(1200), {
    hiddenSize: 8,
    numLayers: 1,
    batchSize: 2,
    seqLength: 8,
    steps: 2,
    evalEvery: 100,
    sampleLength: 0,
  });
  for await (const event of trainer.run()) {
    if (event.type === 'step' && event.step === 1) one = trainer.checkpoint();
  }
  two = trainer.checkpoint();
  trainer.dispose();
}, 60_000);

const manifestPaths = (folder: string): string[] =>
  JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).weightsManifest.flatMap(
    (g: { paths: string[] }) => g.paths,
  );

describe('checkpoint folders on a bad disk', () => {
  it('refuses weights that hold fewer bytes than model.json describes', async () => {
    const folder = join(dir, 'short');
    await saveCheckpoint(folder, one);
    const weights = join(folder, manifestPaths(folder)[0] as string);
    const bytes = readFileSync(weights);
    writeFileSync(weights, bytes.subarray(0, bytes.length - 8));
    const error = await loadCheckpoint(folder).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain(
      `hold ${bytes.length - 8} bytes but model.json describes ${bytes.length}`,
    );
  });

  it('keeps the previous checkpoint, and no new weights file, when model.json cannot be saved', async () => {
    const folder = join(dir, 'blocked');
    await saveCheckpoint(folder, one);
    const before = readdirSync(folder).sort();
    const inTheWay = join(folder, `model.json.tmp-${process.pid}`);
    mkdirSync(inTheWay);
    await expect(saveCheckpoint(folder, two)).rejects.toThrow();
    rmSync(inTheWay, { recursive: true });
    expect(readdirSync(folder).sort()).toEqual(before);
    expect((await loadCheckpoint(folder)).training?.step).toBe(1);
  });

  it('loads weights split over several files in manifest order', async () => {
    const folder = join(dir, 'split');
    await saveCheckpoint(folder, two);
    const [name] = manifestPaths(folder) as [string];
    const bytes = readFileSync(join(folder, name));
    const cut = 4 * Math.floor(bytes.length / 12);
    writeFileSync(join(folder, 'a.bin'), bytes.subarray(0, cut));
    writeFileSync(join(folder, 'b.bin'), bytes.subarray(cut));
    rmSync(join(folder, name));
    const json = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['a.bin', 'b.bin'];
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    const back = await loadCheckpoint(folder);
    expect(back.params).toEqual(two.params);
    expect(back.training?.step).toBe(2);
  });
});
