import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointLockedError } from '../errors.js';
import { LOCK_FILE, lockCheckpointDir, processStartTicks } from './checkpoint-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-lock-'));
const linux = existsSync('/proc/self/stat');

describe.runIf(linux)('a lock whose pid runs again as another process', { timeout: 30_000 }, () => {
  // A live process that is not a trainer: it stands for whatever reused a dead trainer's pid.
  let other: ChildProcess;
  let pid: number;
  beforeAll(async () => {
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    pid = other.pid as number;
    while (processStartTicks(pid) === undefined) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(() => {
    other.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a lock naming `pid` with these fields into a fresh folder; tries to take it. */
  async function takeOver(fields: Record<string, unknown>) {
    const root = mkdtempSync(join(dir, 'run-'));
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid, host: hostname(), ...fields }));
    const notes: string[] = [];
    const lock = await lockCheckpointDir(root, (note) => notes.push(note));
    const owner = JSON.parse(readFileSync(join(root, LOCK_FILE), 'utf8'));
    await lock.release();
    return { notes, owner };
  }

  it('records its own start time, and reads a process start time as /proc gives it', () => {
    const ticks = processStartTicks(process.pid);
    expect(ticks).toMatch(/^\d+$/);
    expect(Number(processStartTicks(pid))).toBeGreaterThanOrEqual(Number(ticks));
    expect(processStartTicks(2 ** 30)).toBeUndefined();
  });

  it('takes over a lock whose recorded start time is not the live process’s, with a note', async () => {
    const wrong = String(Number(processStartTicks(pid)) - 1);
    const { notes, owner } = await takeOver({
      started: new Date().toISOString(),
      processStart: wrong,
    });
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Took over the lock of '.*' from pid ${pid}: that pid now belongs to another process`,
        ),
      ),
    ]);
    expect(owner).toMatchObject({ pid: process.pid, processStart: processStartTicks(process.pid) });
  });

  it('takes over an older lock (no start time) taken before the live process started', async () => {
    const { notes } = await takeOver({ started: new Date(Date.now() - 3_600_000).toISOString() });
    expect(notes[0]).toMatch(/that pid now belongs to another process/);
  });

  it('refuses while the recorded process still runs', async () => {
    await expect(
      takeOver({ started: new Date().toISOString(), processStart: processStartTicks(pid) }),
    ).rejects.toThrow(CheckpointLockedError);
    // An older lock taken after the process started is its own: refused as well.
    await expect(
      takeOver({ started: new Date(Date.now() + 60_000).toISOString() }),
    ).rejects.toThrow(new RegExp(`in use by another trainer \\(pid ${pid} on `));
  });
});
