// What `rnnkit train --help` promises about defaults, checked on runs of the built CLI: every
// default the help states is what a run without the flag stores in its checkpoint (and uses).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-defaults-'));

type Json = Record<string, unknown>;
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Json);

/** The resolved options a checkpoint stores. */
function storedConfig(folder: string): Json {
  const modelJson = JSON.parse(readFileSync(join(dir, folder, 'model.json'), 'utf8'));
  return modelJson.userDefinedMetadata.training.config as Json;
}
const storedTraining = (folder: string): Json =>
  JSON.parse(readFileSync(join(dir, folder, 'model.json'), 'utf8')).userDefinedMetadata.training;

/** `--flag ... (default X)` of every help line that states one. */
function helpDefaults(help: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of help.split('\n')) {
    const m = /^\s+(--[a-z-]+)\b.*\(default:? ([^)]+)\)/.exec(line);
    if (m) out.set(m[1] as string, (m[2] as string).trim());
  }
  return out;
}

// 2300 characters: 35 windows of 64, 5% of them = 2 held out (128 characters), which leaves
// 2171 to train on: one batch of 32 x 64 at the default sizes.
const BIG = 2300;
// 200 characters at batch 4 x 16: 12 windows, 1 held out, 183 left: 2 windows per epoch.
const SMALL = 200;
const SMALL_WINDOWS = 2;

/** One run, the common flags first. */
const train = (...args: string[]) =>
  rnnkit(dir, 'train', 'small.txt', ...TINY, '--sample-length', '0', ...args);

describe('rnnkit train defaults', { timeout: 120_000 }, () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'big.txt'), generatedText(BIG));
    writeFileSync(join(dir, 'small.txt'), generatedText(SMALL));
  });

  it('stores in the checkpoint every default that --help states', async () => {
    const help = await rnnkit(dir, 'train', '--help');
    expect(help.code).toBe(0);
    const defaults = helpDefaults(help.out);
    // What each stated default must be in the stored config (or where else it shows).
    const expected: Record<string, [string, unknown] | null> = {
      '--cell': ['cell', 'lstm'],
      '--hidden': ['hiddenSize', 128],
      '--layers': ['numLayers', 2],
      '--dropout': ['dropout', 0],
      '--batch': ['batchSize', 32],
      '--seq-length': ['seqLength', 64],
      '--val-fraction': ['valFraction', 0.05],
      '--optimizer': ['optimizer', 'adam'],
      '--lr': ['learningRate', 0.002],
      '--schedule': ['schedule', { type: 'constant' }],
      '--clip': ['clipNorm', 5],
      '--seed': ['seed', 0],
      '--eval-every': ['evalEvery', 200],
      '--sample-length': ['sampleLength', 200],
      // Checked by the other tests of this file.
      '--steps': null,
      '--lr-decay': null,
      '--lr-decay-every': null,
      '--lr-decay-after': null,
      '--warmup': null,
      '--min-lr': null,
      '--log-every': null,
      // Not stored: where the files go and which backend runs.
      '--checkpoint-dir': null,
      '--backend': null,
    };
    expect([...defaults.keys()].sort()).toEqual(Object.keys(expected).sort());
    // The help's own numbers are the ones checked.
    expect(defaults.get('--hidden')).toBe('128');
    expect(defaults.get('--lr')).toBe('0.002');
    expect(defaults.get('--clip')).toBe('5');
    expect(defaults.get('--val-fraction')).toBe('0.05');
    expect(defaults.get('--steps')).toBe('10 epochs');

    const r = await rnnkit(
      dir,
      'train',
      'big.txt',
      '--steps',
      '1',
      '--backend',
      'cpu',
      '--json',
      '--checkpoint-dir',
      'defaults',
    );
    expect(r.code).toBe(0);
    const config = storedConfig('defaults/latest');
    for (const [flag, entry] of Object.entries(expected)) {
      if (!entry) continue;
      const [field, value] = entry;
      expect(config[field], `${flag} (config.${field})`).toEqual(value);
      const stated = defaults.get(flag) as string;
      if (typeof value === 'number') expect(Number(stated), flag).toBe(value);
      else if (typeof value === 'string') expect(stated, flag).toBe(value);
    }
    // And the run used them: the split, the sizes and the sample length show in its output.
    expect(r.err).toMatch(/lstm 2x128 .*2048 to train on, 128 to validate.*batch 32 x 64/);
    const [evalEvent] = jsonLines(r.out).filter((l) => l.type === 'eval');
    expect(evalEvent?.learningRate).toBe(0.002);
    expect(String(evalEvent?.sample).length).toBe(200);
  });

  it('runs 10 epochs without --steps or --epochs, and logs every 10 steps', async () => {
    const r = await train('--eval-every', '1000', '--checkpoint-dir', 'epochs10');
    expect(r.code).toBe(0);
    const training = storedTraining('epochs10/latest');
    expect(training.windowsPerEpoch).toBe(SMALL_WINDOWS);
    expect(training.step).toBe(10 * SMALL_WINDOWS);
    expect((training.config as Json).steps).toBe(10 * SMALL_WINDOWS);
    const progress = [...r.err.matchAll(/^step (\d+)\/20 (?!eval)/gm)].map((m) => Number(m[1]));
    expect(progress).toEqual([10, 20]);
  });

  it('turns --epochs into steps, --steps wins as given, and both at once are refused', async () => {
    const epochs = await train('--epochs', '3', '--eval-every', '1000', '--checkpoint-dir', 'e3');
    expect(epochs.code).toBe(0);
    expect(storedTraining('e3/latest').step).toBe(3 * SMALL_WINDOWS);
    const steps = await train('--steps', '5', '--eval-every', '1000', '--checkpoint-dir', 's5');
    expect(steps.code).toBe(0);
    expect(storedTraining('s5/latest').step).toBe(5);
    const both = await train('--steps', '5', '--epochs', '1', '--checkpoint-dir', 'both');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--steps or --epochs, not both/);
    expect(existsSync(join(dir, 'both'))).toBe(false);
  });
});
