// `rnnkit export` and `rnnkit import` on checkpoints trained by the built CLI: each cell type
// and depth survives both formats (weight for weight, or function for function where Keras
// merges the two biases), and --format picks the reader.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckpointData, deserializeCheckpoint } from '@rnnkit/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedText, rnnkit } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-export-formats-'));
const SMALL = ['--hidden', '8', '--batch', '4', '--seq-length', '16', '--backend', 'cpu'];
const RUNS = {
  lstm: ['--cell', 'lstm'], // 2 layers by default
  gru: ['--cell', 'gru', '--layers', '1'],
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
/**
 * Keras keeps one bias per layer where PyTorch keeps two (b_ih + b_hh), so a tfjs-layers round
 * trip keeps the model's function, not the split: every weight, and each layer's bias sum.
 */
function expectSameFunction(folder: string, original: string) {
  const a = modelOf(folder);
  const b = modelOf(original);
  expect(a.model).toEqual(b.model);
  expect(a.tokenizer).toEqual(b.tokenizer);
  expect(Object.keys(a.params).sort()).toEqual(Object.keys(b.params).sort());
  for (const [name, p] of Object.entries(a.params)) {
    const q = b.params[name];
    if (!/bias_(ih|hh)/.test(name)) {
      expect(p, name).toEqual(q);
      continue;
    }
    const sum = (params: typeof a.params, n: string) => {
      const ih = params[n.replace('bias_hh', 'bias_ih')]?.data ?? [];
      const hh = params[n.replace('bias_ih', 'bias_hh')]?.data ?? [];
      return Array.from(ih, (x, i) => x + (hh[i] as number));
    };
    const mine = sum(a.params, name);
    sum(b.params, name).forEach((x, i) => {
      expect(mine[i], `${name}[${i}]`).toBeCloseTo(x, 6);
    });
  }
}
const ok = async (...args: string[]) => {
  const r = await rnnkit(dir, ...args);
  expect(r.code, r.err).toBe(0);
  return r;
};
const sampleText = async (folder: string) =>
  (await ok('sample', folder, '--length', '30', '--seed', '2', '--backend', 'cpu')).out;

describe('rnnkit export and import formats', { timeout: 120_000 }, () => {
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

  it('safetensors keeps every cell type and depth weight for weight', async () => {
    for (const run of Object.keys(RUNS) as Run[]) {
      await ok('export', run, '--format', 'safetensors', '--out', `st/${run}.safetensors`);
      const sidecar = JSON.parse(readFileSync(join(dir, `st/${run}.rnnkit.json`), 'utf8'));
      expect(sidecar.model.cell).toBe(run);
      await ok('import', `st/${run}.safetensors`, '--out', `st-back/${run}`);
      expect(modelOf(`st-back/${run}`)).toEqual(modelOf(`${run}/best`));
    }
    await ok('import', 'st/lstm.safetensors', '--format', 'safetensors', '--out', 'st-x');
    expect(modelOf('st-x')).toEqual(modelOf('lstm/best'));
    expect(modelOf('rnn/best').model).toMatchObject({ cell: 'rnn', numLayers: 3, hiddenSize: 8 });
    expect(await sampleText('st-back/gru')).toBe(await sampleText('gru'));
  });

  it('tfjs-layers keeps lstm and rnn; --format must match the file', async () => {
    for (const run of ['lstm', 'rnn'] as const) {
      await ok('export', run, '--format', 'tfjs-layers', '--out', `layers/${run}`);
      await ok('import', `layers/${run}/model.json`, '--out', `layers-back/${run}`);
      expectSameFunction(`layers-back/${run}`, `${run}/best`);
    }
    await ok('import', 'layers/lstm/model.json', '--format', 'tfjs-layers', '--out', 'layers-x');
    expectSameFunction('layers-x', 'lstm/best');
    expect(await sampleText('layers-back/rnn')).toBe(await sampleText('rnn'));
    const wrong = await rnnkit(
      dir,
      ...['import', 'layers/lstm/model.json', '--format', 'safetensors', '--out', 'nowhere'],
    );
    expect(wrong.code).toBe(1);
    expect(readdirSync(dir)).not.toContain('nowhere');
  });
});
