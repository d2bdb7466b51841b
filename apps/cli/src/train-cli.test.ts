// rnnkit train / sample / eval as users run them: the built CLI under plain Node.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELP, runCli } from './cli.js';
import { BIN, generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-train-'));
const json = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('rnnkit train, sample and eval under plain Node', { timeout: 60_000 }, () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'text.txt'), generatedText(6000));
  });

  it('trains with JSON progress, then samples (same seed, same text) and evaluates', async () => {
    const r = await rnnkit(
      dir,
      'train',
      'text.txt',
      ...TINY,
      '--steps',
      '6',
      '--eval-every',
      '3',
      '--json',
      '--log-every',
      '2',
      '--checkpoint-dir',
      'run',
      '--sample-length',
      '10',
    );
    expect(r.code).toBe(0);
    // stdout is data: every line parses, from the start record to the end record.
    const lines = json(r.out);
    expect(lines[0]).toMatchObject({
      type: 'start',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      backend: { name: 'cpu', simd: false },
      model: { cell: 'lstm', layers: 2, hidden: 16, init: 'pytorch' },
      data: { file: 'text.txt' },
      step: 0,
      steps: 6,
      checkpointDir: 'run',
    });
    expect(lines.at(-1)).toEqual({
      type: 'end',
      reason: 'completed',
      step: 6,
      steps: 6,
      paths: ['run/latest', 'run/best'],
    });
    expect(lines.filter((l) => l.type === 'checkpoint').map((l) => l.step)).toEqual([3, 6]);
    expect(r.err).toMatch(/backend cpu;/);
    const evals = lines.filter((l) => l.type === 'eval');
    expect(evals.map((e) => e.step)).toEqual([3, 6]);
    for (const e of evals) {
      for (const key of ['step', 'trainLoss', 'valLoss', 'valBpc', 'charsPerSec', 'sample']) {
        expect(e).toHaveProperty(key);
      }
    }
    expect(lines.filter((l) => l.type === 'progress').map((l) => l.step)).toEqual([2, 4, 6]);
    expect(r.err).toMatch(/Saved run\/latest and run\/best \(step 6\)/);
    expect(existsSync(join(dir, 'run', 'best', 'model.json'))).toBe(true);

    const sample = (...args: string[]) =>
      rnnkit(dir, 'sample', ...args, '--prime', 'the ', '--length', '40', '--backend', 'cpu');
    const [a, b, c, g, e] = await Promise.all([
      sample('run', '--seed', '7'),
      sample('run/best', '--seed', '7', '--top-k', '5', '--top-p', '0.9', '--temperature', '0.7'),
      sample('run/best/model.json', '--seed', '7'),
      sample('run', '--greedy'),
      rnnkit(dir, 'eval', 'run', 'text.txt', '--backend', 'cpu'),
    ]);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^the .{40}\n$/s);
    expect(c.out).toBe(a.out);
    expect(b.code).toBe(0);
    expect(g.code).toBe(0);
    expect(e.code).toBe(0);
    expect(e.out).toMatch(
      /^loss \d\.\d{4} nats\/char, \d\.\d{4} bits\/char, perplexity \d+\.\d{3} \(\d+ characters predicted\)\n$/,
    );
  });

  it('resumes exactly: 4 steps + resume to 8 gives the losses of 8 uninterrupted steps', async () => {
    const common = [
      'text.txt',
      ...TINY,
      '--eval-every',
      '4',
      '--json',
      '--log-every',
      '1',
      '--seed',
      '5',
    ];
    const [whole, first] = await Promise.all([
      rnnkit(dir, 'train', ...common, '--steps', '8', '--checkpoint-dir', 'whole'),
      rnnkit(dir, 'train', ...common, '--steps', '4', '--checkpoint-dir', 'split'),
    ]);
    const second = await rnnkit(
      dir,
      'train',
      'text.txt',
      '--resume',
      'split',
      '--steps',
      '8',
      '--json',
      '--log-every',
      '1',
      '--backend',
      'cpu',
    );
    expect([whole.code, first.code, second.code]).toEqual([0, 0, 0]);
    const losses = (out: string) =>
      json(out)
        .filter((l) => l.type === 'progress' || l.type === 'eval')
        .map((l) => (l.type === 'progress' ? l.loss : [l.trainLoss, l.valLoss, l.sample]));
    expect([...losses(first.out), ...losses(second.out)]).toEqual(losses(whole.out));
  });

  it('trains with --workers 2 and resumes with --workers 1, as one thread would', async () => {
    const common = ['text.txt', ...TINY, '--eval-every', '4', '--json', '--log-every', '1'];
    const [whole, first] = await Promise.all([
      rnnkit(dir, 'train', ...common, '--steps', '8', '--checkpoint-dir', 'one-thread'),
      rnnkit(dir, 'train', ...common, '--steps', '4', '--workers', '2', '--checkpoint-dir', 'two'),
    ]);
    const resume = ['--resume', 'two', '--steps', '8', '--json', '--log-every', '1'];
    const second = await rnnkit(dir, 'train', 'text.txt', ...resume, '--workers', '1');
    expect([whole.code, first.code, second.code]).toEqual([0, 0, 0]);
    const losses = (out: string) =>
      json(out).flatMap((l) => (l.type === 'progress' ? [l.loss as number] : []));
    const split = [...losses(first.out), ...losses(second.out)];
    const ref = losses(whole.out);
    expect(split).toHaveLength(ref.length);
    for (const [i, loss] of split.entries()) expect(loss).toBeCloseTo(ref[i] as number, 4);
  });

  it.skipIf(availableParallelism() < 2)(
    'trains the default model on every core without --workers, and on one with --workers 1',
    async () => {
      // The default model (LSTM 2x128, batch 32 x 64) is big enough for --workers auto.
      const common = ['text.txt', '--steps', '1', '--backend', 'cpu', '--sample-length', '0'];
      const [auto, one] = await Promise.all([
        rnnkit(dir, 'train', ...common, '--checkpoint-dir', 'auto'),
        rnnkit(dir, 'train', ...common, '--workers', '1', '--checkpoint-dir', 'one'),
      ]);
      expect([auto.code, one.code]).toEqual([0, 0]);
      const threads = Math.min(availableParallelism(), 8);
      expect(auto.err).toContain(`Training on ${threads} threads (--workers auto`);
      expect(one.err).not.toContain('Training on');
    },
    120_000,
  );

  it('writes a checkpoint on Ctrl-C (SIGINT), exits with 130, and the run resumes', async () => {
    // As a user's shell would start it: no npm/pnpm variables telling how it was run.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(npm_|RNNKIT_INVOKED_AS)/.test(k)),
    );
    const child = spawn(
      process.execPath,
      [
        BIN,
        'train',
        'text.txt',
        ...TINY,
        '--steps',
        '100000',
        '--eval-every',
        '100000',
        '--checkpoint-dir',
        'interrupted',
        '--log-every',
        '1',
      ],
      { cwd: dir, env },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        err += d;
        if (/step 3\//.test(err) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', resolve);
    });
    expect(out).toBe('');
    expect(code).toBe(130);
    const stopped =
      /Interrupted at step (\d+) \(SIGINT\): saved interrupted\/latest\. Continue with: (.*)\n/.exec(
        err,
      );
    const step = Number(stopped?.[1]);
    expect(step).toBeGreaterThanOrEqual(3);
    // The hint is a command that works: run it, asking for two more steps.
    const hint = stopped?.[2] as string;
    expect(hint).toMatch(/^node \S+bin\.js train text\.txt --resume interrupted\/latest$/);
    const resumed = await new Promise<{ code: number | null; err: string }>((resolve) => {
      execFile(
        'sh',
        ['-c', `${hint} --steps ${step + 2} --backend cpu --log-every 1`],
        { cwd: dir, env, timeout: 120_000 },
        (error, _out, stderr) => resolve({ code: error ? (error.code as number) : 0, err: stderr }),
      );
    });
    expect(resumed.code).toBe(0);
    expect(resumed.err).toMatch(new RegExp(`Resuming at step ${step}:`));
    expect(resumed.err).toMatch(new RegExp(`step ${step + 2}/${step + 2} eval`));
  });

  it('stops on a diverging loss with one line and exit 1, keeping the last good checkpoint', async () => {
    const r = await rnnkit(
      dir,
      'train',
      'text.txt',
      ...TINY,
      '--optimizer',
      'sgd',
      '--lr',
      '1e6',
      '--clip',
      'off',
      '--steps',
      '50',
      '--eval-every',
      '1',
      '--sample-length',
      '0',
      '--checkpoint-dir',
      'diverged',
      '--log-every',
      '1',
      '--json',
    );
    expect(r.code).toBe(1);
    expect(r.err.split('\n').at(-2)).toMatch(
      /^rnnkit train: The loss (exploded|became NaN|became Infinity).* at step \d+.*The last good checkpoint is kept\. Lower the learning rate/,
    );
    const saved = [...r.err.matchAll(/Saved diverged\/latest.*\(step (\d+)\)/g)].map((m) =>
      Number(m[1]),
    );
    const failed = Number(/at step (\d+)/.exec(r.err)?.[1]);
    expect(saved.at(-1)).toBeLessThan(failed);
    const end = json(r.out).at(-1);
    expect(end).toMatchObject({ type: 'end', reason: 'diverged', step: failed - 1 });
    expect(end?.paths).toContain('diverged/latest');
    expect(end?.message).toMatch(/^The loss/);
    const resumable = await rnnkit(
      dir,
      'sample',
      'diverged/latest',
      '--length',
      '3',
      '--backend',
      'cpu',
    );
    expect(resumable.code).toBe(0);
  });

  it('lists train, sample and eval in the help, each with its own --help', async () => {
    const text = { out: '' };
    const io = {
      out: (t: string) => {
        text.out += t;
      },
      err: () => undefined,
    };
    await runCli(['--help'], io);
    expect(text.out).toBe(HELP);
    for (const command of ['train', 'sample', 'eval']) {
      expect(HELP).toMatch(new RegExp(`\\n  ${command} `));
      text.out = '';
      await runCli([command, '--help'], io);
      expect(text.out).toMatch(new RegExp(`^Usage: rnnkit ${command}`));
    }
  });
});
