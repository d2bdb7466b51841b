// rnnkit export / import as users run them (the built CLI under plain Node): safetensors and
// tfjs-layers round trips that sample the same text, and one-line errors for files that do not fit.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/backend';
import { readSafetensors, writeSafetensors } from '@rnnkit/cells';
import { CharTokenizer } from '@rnnkit/tokenizer';
import { type CharLMConfig, createCharLM, disposeCharLM, portableCharLM } from '@rnnkit/trainer';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './files/checkpoint-files.js';
import { rnnkit } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-export-'));
const tokenizer = CharTokenizer.fromText('the cat sat on the mat. ');

async function checkpoint(name: string, config: Omit<CharLMConfig, 'vocabSize'>): Promise<string> {
  const model = createCharLM(
    { vocabSize: tokenizer.vocabSize, ...config },
    { seed: 4, init: 'pytorch' },
  );
  const p = portableCharLM(model, tokenizer);
  await writeCheckpoint(join(dir, name), {
    model: p.model,
    params: p.params,
    tokenizer: tokenizer.toJSON(),
  });
  disposeCharLM(model);
  return join(dir, name);
}

const sample = (ckpt: string) =>
  rnnkit(
    dir,
    'sample',
    ckpt,
    '--prime',
    'the ',
    '--length',
    '40',
    '--seed',
    '3',
    '--backend',
    'cpu',
  );

describe('rnnkit export and import under plain Node', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('safetensors: export writes PyTorch names and a sidecar; import gives back the same model', async () => {
    const ckpt = await checkpoint('lstm', { cell: 'lstm', hiddenSize: 8, numLayers: 2 });
    const e = await rnnkit(
      dir,
      'export',
      ckpt,
      '--format',
      'safetensors',
      '--out',
      'out/lstm.safetensors',
    );
    expect(e.err).toBe('');
    expect(e.code).toBe(0);
    const names = Object.keys(
      readSafetensors(readFileSync(join(dir, 'out/lstm.safetensors'))).arrays,
    );
    expect(names).toContain('rnn.weight_hh_l1');
    expect(
      JSON.parse(readFileSync(join(dir, 'out/lstm.rnnkit.json'), 'utf8')).tokenizer.vocabulary,
    ).toEqual(tokenizer.vocabulary);
    const i = await rnnkit(dir, 'import', 'out/lstm.safetensors', '--out', 'back');
    expect([i.code, i.err]).toEqual([0, '']);
    expect(i.out).toMatch(/Imported a 2-layer lstm/);
    expect((await readCheckpoint(join(dir, 'back'))).params).toEqual(
      (await readCheckpoint(ckpt)).params,
    );
    expect((await sample(join(dir, 'back'))).out).toBe((await sample(ckpt)).out);
    const again = await rnnkit(dir, 'import', 'out/lstm.safetensors', '--out', 'back');
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already holds a checkpoint; pass --force/);
  });

  it('tfjs-layers: export writes model.json + weights.bin; import gives back the same model', async () => {
    const ckpt = await checkpoint('rnn', {
      cell: 'rnn',
      hiddenSize: 6,
      input: 'embedding',
      embeddingDim: 4,
    });
    const e = await rnnkit(dir, 'export', ckpt, '--format', 'tfjs-layers', '--out', 'layers');
    expect([e.code, e.err]).toEqual([0, '']);
    expect(existsSync(join(dir, 'layers', 'weights.bin'))).toBe(true);
    const i = await rnnkit(dir, 'import', 'layers/model.json', '--out', 'from-layers');
    expect([i.code, i.err]).toEqual([0, '']);
    expect((await sample(join(dir, 'from-layers'))).out).toBe((await sample(ckpt)).out);
  });

  it('refuses, in one line each, what cannot work', async () => {
    const gru = await checkpoint('gru', { cell: 'gru', hiddenSize: 4 });
    const g = await rnnkit(dir, 'export', gru, '--format', 'tfjs-layers', '--out', 'gru-layers');
    expect(g.code).toBe(1);
    expect(g.err).toMatch(
      /^rnnkit export: Cannot export to tfjs-layers: GRU layer 0 has no exact reset-before form.*safetensors/,
    );
    expect(g.err.trim().split('\n')).toHaveLength(1);

    writeFileSync(
      join(dir, 'cut.safetensors'),
      readFileSync(join(dir, 'out/lstm.safetensors')).subarray(0, 200),
    );
    const cut = await rnnkit(
      dir,
      'import',
      'cut.safetensors',
      '--out',
      'x',
      '--sidecar',
      'out/lstm.rnnkit.json',
    );
    expect(cut.code).toBe(1);
    expect(cut.err).toMatch(
      /^rnnkit import: Cannot import 'cut.safetensors': Invalid safetensors file/,
    );

    const bare = readSafetensors(readFileSync(join(dir, 'out/lstm.safetensors'))).arrays;
    writeFileSync(join(dir, 'bare.safetensors'), writeSafetensors(bare));
    const b = await rnnkit(dir, 'import', 'bare.safetensors', '--out', 'y');
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/has no tokenizer.*--sidecar/);
    const withSidecar = await rnnkit(
      dir,
      'import',
      'bare.safetensors',
      '--out',
      'y',
      '--sidecar',
      'out/lstm.rnnkit.json',
    );
    expect(withSidecar.code).toBe(0);

    const wrong = await rnnkit(
      dir,
      'import',
      'bare.safetensors',
      '--out',
      'z',
      '--sidecar',
      'layers/model.json',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/sidecar's format/);

    const usage = await rnnkit(dir, 'export', gru, '--out', 'a.safetensors');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--format safetensors or --format tfjs-layers/);
  });

  it('import --check loads any Keras model it can run and names the layer it cannot', async () => {
    const ckpt = await checkpoint('keras-lstm', { cell: 'lstm', hiddenSize: 4 });
    await rnnkit(dir, 'export', ckpt, '--format', 'tfjs-layers', '--out', 'keras');
    const path = join(dir, 'keras', 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const layers = json.modelTopology.config.layers;
    // A classifier head: not a character model, but a Keras model rnnkit runs.
    layers[1].config.activation = 'softmax';
    layers[0].config.recurrent_activation = 'hard_sigmoid';
    writeFileSync(path, JSON.stringify(json));
    const asCheckpoint = await rnnkit(dir, 'import', 'keras/model.json', '--out', 'k');
    expect(asCheckpoint.code).toBe(1);
    expect(asCheckpoint.err).toMatch(/rnnkit can run: check it with 'rnnkit import .* --check'/);
    const check = await rnnkit(dir, 'import', 'keras/model.json', '--check');
    expect([check.code, check.err]).toEqual([0, '']);
    expect(check.out).toMatch(/rnn_l0: LSTM 4 units \(tanh, hardSigmoid\), sequences/);
    expect(check.out).toMatch(/fc: Dense \d+ units \(softmax\)/);
    layers[1].class_name = 'Conv1D';
    writeFileSync(path, JSON.stringify(json));
    const refused = await rnnkit(dir, 'import', 'keras/model.json', '--check');
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(/layer fc is a Conv1D; rnnkit imports SimpleRNN, LSTM, GRU/);
  });
});
