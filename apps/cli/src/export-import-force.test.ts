// `rnnkit export` and `rnnkit import` replace existing files with --force and only with it:
// without it nothing changes; with it the new model is what is there, with nothing stale left.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckpointData, deserializeCheckpoint } from '@rnnkit/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedText, hashTree, rnnkit } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-export-force-'));
const SMALL = ['--hidden', '8', '--batch', '4', '--seq-length', '16', '--backend', 'cpu'];
const RUNS = {
  lstm: ['--cell', 'lstm'],
  rnn: ['--cell', 'rnn', '--layers', '3'],
} as const;
type Run = keyof typeof RUNS;

function load(folder: string): CheckpointData {
  const modelJson = JSON.parse(readFileSync(join(dir, folder, 'model.json'), 'utf8'));
  const bytes = readFileSync(join(dir, folder, modelJson.weightsManifest[0].paths[0]));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return deserializeCheckpoint({ modelJson, weightData });
}

/** The model a checkpoint holds: config, vocabulary and every weight. */
const modelOf = (folder: string) => {
  const { model, tokenizer, params } = load(folder);
  return { model, tokenizer, params };
};
const hashFile = (path: string) =>
  createHash('sha256')
    .update(readFileSync(join(dir, path)))
    .digest('hex');
const ok = async (...args: string[]) => {
  const r = await rnnkit(dir, ...args);
  expect(r.code, r.err).toBe(0);
  return r;
};
describe('rnnkit export and import --force', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), generatedText(1500));
    await Promise.all(
      (Object.keys(RUNS) as Run[]).map((run) =>
        ok(
          ...['train', 'text.txt', ...SMALL, ...RUNS[run], '--steps', '2', '--eval-every', '2'],
          ...['--sample-length', '0', '--checkpoint-dir', run],
        ),
      ),
    );
  });

  it('export replaces a safetensors file and its sidecar only with --force', async () => {
    await ok('export', 'lstm', '--format', 'safetensors', '--out', 'force/m.safetensors');
    await ok('export', 'rnn', '--format', 'safetensors', '--out', 'fresh/rnn.safetensors');
    const before = hashTree(join(dir, 'force'));
    const refused = await rnnkit(
      dir,
      ...['export', 'rnn', '--format', 'safetensors', '--out', 'force/m.safetensors'],
    );
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/exists; pass --force/);
    expect(hashTree(join(dir, 'force'))).toBe(before);
    await ok('export', 'rnn', '--format', 'safetensors', '--out', 'force/m.safetensors', '--force');
    expect(hashFile('force/m.safetensors')).toBe(hashFile('fresh/rnn.safetensors'));
    expect(hashFile('force/m.rnnkit.json')).toBe(hashFile('fresh/rnn.rnnkit.json'));
  });

  it('export replaces a tfjs-layers folder only with --force', async () => {
    await ok('export', 'lstm', '--format', 'tfjs-layers', '--out', 'force-layers');
    const layers = hashTree(join(dir, 'force-layers'));
    const again = await rnnkit(
      dir,
      ...['export', 'rnn', '--format', 'tfjs-layers', '--out', 'force-layers'],
    );
    expect(again.code).toBe(2);
    expect(hashTree(join(dir, 'force-layers'))).toBe(layers);
    await ok('export', 'rnn', '--format', 'tfjs-layers', '--out', 'force-layers', '--force');
    await ok('import', 'force-layers/model.json', '--out', 'force-layers-back');
    expect(modelOf('force-layers-back').model).toEqual(modelOf('rnn/best').model);
  });

  it('import replaces a checkpoint only with --force, leaving no stale weights', async () => {
    await ok('export', 'lstm', '--format', 'safetensors', '--out', 'imp/lstm.safetensors');
    await ok('export', 'rnn', '--format', 'safetensors', '--out', 'imp/rnn.safetensors');
    await ok('import', 'imp/lstm.safetensors', '--out', 'imp-ck');
    const before = hashTree(join(dir, 'imp-ck'));
    const refused = await rnnkit(dir, 'import', 'imp/rnn.safetensors', '--out', 'imp-ck');
    expect(refused.code).toBe(2);
    expect(hashTree(join(dir, 'imp-ck'))).toBe(before);
    await ok('import', 'imp/rnn.safetensors', '--out', 'imp-ck', '--force');
    expect(modelOf('imp-ck')).toEqual(modelOf('rnn/best'));
    const modelJson = JSON.parse(readFileSync(join(dir, 'imp-ck', 'model.json'), 'utf8'));
    expect(readdirSync(join(dir, 'imp-ck')).sort()).toEqual(
      ['model.json', ...modelJson.weightsManifest[0].paths].sort(),
    );
  });
});
