// The learning-rate schedules through the command line: the rate `rnnkit train --json` reports
// at each step against the documented formulas, and the schedules' defaults.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-schedules-'));

type Json = Record<string, unknown>;
const jsonLines = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Json);

function storedConfig(folder: string): Json {
  const modelJson = JSON.parse(readFileSync(join(dir, folder, 'model.json'), 'utf8'));
  return modelJson.userDefinedMetadata.training.config as Json;
}

// 200 characters at batch 4 x 16: 12 windows, 1 held out, 183 left: 2 windows per epoch.
const SMALL_WINDOWS = 2;

const train = (...args: string[]) =>
  rnnkit(dir, 'train', 'small.txt', ...TINY, '--sample-length', '0', ...args);

describe('rnnkit train learning-rate schedules', { timeout: 120_000 }, () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'small.txt'), generatedText(200));
  });

  it('reports the cosine learning rate of the documented formula at every step', async () => {
    const lr = 0.01;
    const min = 0.001;
    const warmup = 4;
    const total = 12;
    const r = await train(
      ...['--schedule', 'cosine', '--lr', String(lr), '--warmup', String(warmup)],
      ...['--min-lr', String(min), '--steps', String(total), '--eval-every', '1000'],
      ...['--json', '--log-every', '1', '--checkpoint-dir', 'cosine'],
    );
    expect(r.code).toBe(0);
    const rates = jsonLines(r.out)
      .filter((l) => l.type === 'progress')
      .map((l) => l.learningRate as number);
    // Update i (0-based) warms up linearly from lr/warmup to lr, then follows a half cosine
    // from lr down to min, reached at the last step.
    const formula = (i: number) =>
      i < warmup
        ? (lr * (i + 1)) / warmup
        : min + (lr - min) * 0.5 * (1 + Math.cos((Math.PI * (i - warmup)) / (total - warmup)));
    expect(rates).toHaveLength(total);
    rates.forEach((rate, i) => {
      expect(rate, `update ${i}`).toBeCloseTo(formula(i), 12);
    });
    expect(rates[warmup - 1]).toBeCloseTo(lr, 12);
    expect(storedConfig('cosine/latest').schedule).toEqual({
      type: 'cosine',
      warmupSteps: warmup,
      totalSteps: total,
      minLearningRate: min,
    });
  });

  it('reports the step-decay learning rate of the documented formula at every step', async () => {
    const r = await train(
      ...['--schedule', 'step', '--lr', '0.02', '--lr-decay', '0.5', '--lr-decay-every', '3'],
      ...['--lr-decay-after', '2', '--steps', '10', '--eval-every', '1000'],
      ...['--json', '--log-every', '1', '--checkpoint-dir', 'stepdecay'],
    );
    expect(r.code).toBe(0);
    const rates = jsonLines(r.out)
      .filter((l) => l.type === 'progress')
      .map((l) => l.learningRate as number);
    // Updates 0-1 at 0.02, then halved at update 2 and every 3 updates after it.
    const expected = [0.02, 0.02, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025];
    expect(rates).toHaveLength(10);
    rates.forEach((rate, i) => {
      expect(rate, `update ${i}`).toBeCloseTo(expected[i] as number, 12);
    });
  });

  it("uses char-rnn's step decay by default: 0.97 per epoch after 10 epochs", async () => {
    const steps = 10 * SMALL_WINDOWS + 5;
    const r = await train(
      ...['--schedule', 'step', '--steps', String(steps), '--eval-every', '1000'],
      ...['--json', '--log-every', '1', '--checkpoint-dir', 'chardecay'],
    );
    expect(r.code).toBe(0);
    expect(storedConfig('chardecay/latest').schedule).toEqual({
      type: 'step',
      decayRate: 0.97,
      decayEvery: SMALL_WINDOWS,
      decayAfter: 10 * SMALL_WINDOWS,
    });
    const rates = jsonLines(r.out)
      .filter((l) => l.type === 'progress')
      .map((l) => l.learningRate as number);
    rates.forEach((rate, i) => {
      const epoch = Math.floor(i / SMALL_WINDOWS); // 0-based epoch of update i
      const decays = Math.max(0, epoch - 9);
      expect(rate, `update ${i}`).toBeCloseTo(0.002 * 0.97 ** decays, 12);
    });
  });

  it('warms cosine up for 5% of the steps by default, and for at most 100', async () => {
    const r = await train(
      ...['--schedule', 'cosine', '--steps', '40', '--eval-every', '1000'],
      ...['--json', '--log-every', '1', '--checkpoint-dir', 'cosine40'],
    );
    expect(r.code).toBe(0);
    expect(storedConfig('cosine40/latest').schedule).toEqual({
      type: 'cosine',
      warmupSteps: 2,
      totalSteps: 40,
      minLearningRate: 0,
    });
    const first = jsonLines(r.out).find((l) => l.type === 'progress');
    expect(first?.learningRate).toBeCloseTo(0.002 / 2, 12);

    // 5% of 3000 steps would be 150: capped at 100. Stop the run at its first checkpoint.
    const long = spawn(
      process.execPath,
      [
        BIN,
        ...['train', 'small.txt', ...TINY, '--sample-length', '0', '--schedule', 'cosine'],
        ...['--steps', '3000', '--eval-every', '1', '--checkpoint-dir', 'cosine3000'],
      ],
      { cwd: dir },
    );
    let out = '';
    const code = await new Promise<number | null>((resolve) => {
      long.stderr.on('data', (d) => {
        out += d;
        if (/Saved cosine3000\/latest/.test(out) && !long.killed) long.kill('SIGINT');
      });
      long.on('close', resolve);
    });
    expect(code).toBe(130);
    expect(storedConfig('cosine3000/latest').schedule).toEqual({
      type: 'cosine',
      warmupSteps: 100,
      totalSteps: 3000,
      minLearningRate: 0,
    });
  });
});
