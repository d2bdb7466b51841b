// Faults of issue 13, through the built CLI as child processes: a trainer killed (SIGKILL) at
// seeded random moments, checkpoint writes included, again and again, each time resumed from
// disk, ends with exactly the weights of an uninterrupted run (cpu backend); the same with
// SIGTERM; two trainers on one folder; a full disk.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRng } from '@rnnkit/core';
import type { CheckpointData } from '@rnnkit/trainer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from './files/checkpoint-files.js';
import { LOCK_FILE } from './files/checkpoint-lock.js';
import { BIN, generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-fault-'));
const RUN = [
  ...TINY,
  '--layers',
  '2',
  '--steps',
  '40',
  '--eval-every',
  '2',
  '--sample-length',
  '0',
];

interface Started {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<number | null>;
}

function start(...args: string[]): Started {
  return startNode([], {}, ...args);
}

/** `start` with arguments for node itself (a preload) and extra environment variables. */
function startNode(nodeArgs: string[], env: Record<string, string>, ...args: string[]): Started {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code, signal) => resolve(signal ? -1 : code)),
  );
  return { child, out: () => out, err: () => err, done };
}

/** Resolves once the run has printed a progress line (it is training, not starting up). */
async function training(run: Started): Promise<boolean> {
  for (let i = 0; i < 1200; i++) {
    if (/step \d+\//.test(run.err())) return true;
    if (run.child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

/** Every array of a checkpoint that a resumed run must reproduce bit for bit. */
function numbers(data: CheckpointData): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, a] of Object.entries(data.params)) out[k] = Array.from(a.data);
  const t = data.training;
  for (const [p, slots] of Object.entries(t?.optimizer.slots ?? {})) {
    for (const [s, v] of Object.entries(slots)) out[`optimizer/${p}/${s}`] = Array.from(v);
  }
  return out;
}

function leftovers(folder: string): string[] {
  const all: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.tmp-\d+$|\.rnnkit-probe|\.stale-/.test(e.name)) all.push(join(d, e.name));
    }
  };
  walk(folder);
  return all;
}

/**
 * Starts or resumes `folder` until a run completes, stopping each run with `signal` at a seeded
 * random moment after it starts training; checks after every stop that latest/ loads.
 */
async function interruptUntilDone(
  folder: string,
  signal: NodeJS.Signals,
  seed: number,
  stops: number,
) {
  const rng = createRng(seed);
  const exits: (number | null)[] = [];
  let done = false;
  for (let round = 0; round < stops + 20; round++) {
    let hasLatest = true;
    try {
      await readCheckpoint(join(folder, 'latest'));
    } catch {
      hasLatest = false;
    }
    const args = hasLatest
      ? ['train', 'text.txt', '--resume', folder, '--backend', 'cpu']
      : ['train', 'text.txt', ...RUN, '--checkpoint-dir', folder, '--force', '--log-every', '1'];
    if (hasLatest) args.push('--log-every', '1');
    const run = start(...args);
    if (round < stops && (await training(run))) {
      // 0-400 ms into training: steps and checkpoint writes (every 2 steps) alike.
      await new Promise((r) => setTimeout(r, Math.floor(rng() * 400)));
      run.child.kill(signal);
    }
    const code = await run.done;
    exits.push(code);
    if (code === 0) {
      done = true;
      break;
    }
    // A signal that lands after the last step's save leaves a finished run (exit 143 after
    // saving step N of N); resuming it is refused as already complete, as a user would see.
    if (code === 1 && hasLatest && /the end of its \d+-step run/.test(run.err())) {
      done = true;
      break;
    }
    expect([-1, 130, 143, 129], run.err()).toContain(code);
    if (signal === 'SIGTERM' && code === 143) {
      expect(run.err()).toMatch(/Interrupted at step \d+ \(SIGTERM\): saved /);
    }
  }
  expect(done, `exits: ${exits.join(', ')}`).toBe(true);
  expect(leftovers(folder)).toEqual([]);
  return { exits, data: await readCheckpoint(join(folder, 'latest')) };
}

describe('rnnkit train under faults', { timeout: 240_000 }, () => {
  let reference: Record<string, number[]>;

  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), generatedText(4000));
    const r = await rnnkit(dir, 'train', 'text.txt', ...RUN, '--checkpoint-dir', 'reference');
    expect(r.code, r.err).toBe(0);
    reference = numbers(await readCheckpoint(join(dir, 'reference', 'latest')));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGKILL at random moments, resumed each time, ends with the uninterrupted weights', async () => {
    const { exits, data } = await interruptUntilDone(join(dir, 'killed'), 'SIGKILL', 13, 8);
    expect(exits.filter((c) => c === -1).length).toBeGreaterThanOrEqual(4);
    expect(data.training?.step).toBe(40);
    expect(numbers(data)).toEqual(reference);
  });

  it('SIGTERM saves and exits 143; resumed, the run ends with the uninterrupted weights', async () => {
    const { exits, data } = await interruptUntilDone(join(dir, 'termed'), 'SIGTERM', 14, 3);
    expect(exits.filter((c) => c === 143).length).toBeGreaterThanOrEqual(1);
    expect(numbers(data)).toEqual(reference);
  });

  it('SIGHUP saves and exits 129; a second signal exits at once and leaves no temp file', async () => {
    const run = start(
      'train',
      'text.txt',
      ...TINY,
      '--steps',
      '100000',
      '--eval-every',
      '100000',
      '--checkpoint-dir',
      'hup',
      '--log-every',
      '1',
    );
    expect(await training(run)).toBe(true);
    run.child.kill('SIGHUP');
    expect(await run.done).toBe(129);
    expect(run.err()).toMatch(/Interrupted at step \d+ \(SIGHUP\): saved hup\/latest\./);
    await readCheckpoint(join(dir, 'hup', 'latest'));
    const twice = start(
      'train',
      'text.txt',
      '--resume',
      'hup',
      '--steps',
      '100000',
      '--backend',
      'cpu',
    );
    expect(await training(twice)).toBe(true);
    twice.child.kill('SIGINT');
    twice.child.kill('SIGINT');
    expect(await twice.done).toBe(130);
    expect(leftovers(join(dir, 'hup'))).toEqual([]);
    await readCheckpoint(join(dir, 'hup', 'latest'));
  });

  it('refuses a second trainer on a folder in use, and takes over the lock of a dead one', async () => {
    const first = start(
      'train',
      'text.txt',
      ...TINY,
      '--steps',
      '100000',
      '--eval-every',
      '5',
      '--sample-length',
      '0',
      '--checkpoint-dir',
      'shared',
      '--log-every',
      '1',
    );
    expect(await training(first)).toBe(true);
    const second = await rnnkit(
      dir,
      'train',
      'text.txt',
      ...TINY,
      '--checkpoint-dir',
      'shared',
      '--force',
    );
    const third = await rnnkit(dir, 'train', 'text.txt', '--resume', 'shared', '--backend', 'cpu');
    first.child.kill('SIGTERM');
    expect(await first.done).toBe(143);
    for (const other of [second, third]) {
      expect(other.code).toBe(1);
      expect(other.err).toMatch(
        /^rnnkit train: 'shared' is in use by another trainer \(pid \d+ on /,
      );
    }
    const data = await readCheckpoint(join(dir, 'shared', 'latest'));
    expect(data.training?.step).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'shared'))).not.toContain(LOCK_FILE);

    // A lock left by a killed trainer (a pid that no longer runs) is taken over, with a note.
    const dead = Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }));
    writeFileSync(
      join(dir, 'shared', LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), started: 'x' }),
    );
    writeFileSync(join(dir, 'shared', 'latest', `model.json.tmp-${dead}`), '{');
    const resumed = await rnnkit(
      dir,
      'train',
      'text.txt',
      '--resume',
      'shared',
      '--steps',
      String((data.training?.step ?? 0) + 2),
      '--backend',
      'cpu',
    );
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toMatch(
      /Took over the lock of 'shared' from pid \d+, which no longer runs/,
    );
    expect(resumed.err).toMatch(/Removed .*model\.json\.tmp-\d+, left by a run that was killed/);
    expect(leftovers(join(dir, 'shared'))).toEqual([]);
  });

  it('finds an impossible --checkpoint-dir before training, in one line', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const r = await rnnkit(dir, 'train', 'text.txt', ...TINY, '--checkpoint-dir', 'a-file/ckpt');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^rnnkit train: Cannot save checkpoints in 'a-file\/ckpt': a file is in the way[^\n]*\n$/,
    );
    expect(r.err).not.toMatch(/step \d+\//);
  });

  /**
   * Trains with checkpoints in `disk` until a save is done, calls `fill`, and checks what a full
   * disk must give: exit 1 with the one-line CheckpointWriteError, no temp file left, the
   * previous checkpoint loadable.
   */
  async function fullDiskRun(disk: string, run: Started, fill: () => void) {
    for (let i = 0; i < 2400 && !/Saved /.test(run.err()); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(run.err()).toMatch(/Saved /);
    fill();
    const code = await run.done;
    expect(code, run.err()).toBe(1);
    expect(run.err()).toMatch(
      /^rnnkit train: Cannot write '[^']+': the disk is full\. The previous checkpoint is kept/m,
    );
    expect(leftovers(join(disk, 'ckpt'))).toEqual([]);
    const kept = await readCheckpoint(join(disk, 'ckpt', 'latest'));
    expect(kept.training?.step).toBeGreaterThan(0);
  }
  const untilFull = (disk: string) => [
    'train',
    'text.txt',
    ...TINY,
    '--steps',
    '100000',
    '--eval-every',
    '3',
    '--sample-length',
    '0',
    '--checkpoint-dir',
    join(disk, 'ckpt'),
    '--log-every',
    '1',
  ];

  it('on a full disk (a 2 MB tmpfs): a clear error, the previous checkpoint kept, no partial file', async (ctx) => {
    const disk = join(dir, 'disk');
    mkdirSync(disk);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // not root, or no mount here: the next test injects ENOSPC instead
      return;
    }
    try {
      await fullDiskRun(disk, start(...untilFull(disk)), () => {
        // Fill the disk: the next save cannot fit.
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=4k'], {
            stdio: 'ignore',
          });
        } catch {}
      });
    } finally {
      execFileSync('umount', [disk]);
    }
  });

  it('on a full disk (ENOSPC injected after 1,000 bytes): the same guarantees', async () => {
    // For machines that cannot mount a tmpfs: a preload makes writes under the folder fail
    // once the test "fills" the disk, after writing part of the file, as write(2) would.
    const disk = join(dir, 'injected');
    mkdirSync(disk);
    const trigger = join(dir, 'injected-full');
    const preload = fileURLToPath(new URL('./test-support/full-disk.mjs', import.meta.url));
    const env = {
      RNNKIT_FULL_DISK_DIR: disk,
      RNNKIT_FULL_DISK_TRIGGER: trigger,
      RNNKIT_FULL_DISK_AFTER: '1000',
    };
    const run = startNode(['--import', pathToFileURL(preload).href], env, ...untilFull(disk));
    await fullDiskRun(disk, run, () => writeFileSync(trigger, ''));
  });
});
