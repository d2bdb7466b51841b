// Node-only: one trainer per checkpoint folder. Two trainers writing one folder would delete
// each other's weights files; the lock file (owner pid and host) makes the second one refuse,
// and a lock left by a killed trainer on this host is taken over with a note, also when its pid
// has since been given to another process (Linux: the process start time tells them apart).
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CheckpointLockedError } from '../errors.js';

/** The lock file's name inside a checkpoint folder. */
export const LOCK_FILE = '.rnnkit-lock';

interface LockOwner {
  pid: number;
  host: string;
  /** When the lock was taken (ISO time). */
  started: string;
  /** The owner's start time, in clock ticks after boot (`/proc/<pid>/stat` field 22; Linux). */
  processStart?: string;
}

/** A held lock: release it when the run ends (`releaseSync` from an exit handler). */
export interface CheckpointLock {
  release(): Promise<void>;
  releaseSync(): void;
}

/** Whether a process with this pid runs on this host (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks after boot: field 22 of `/proc/<pid>/stat`
 * (Linux). `undefined` where there is no /proc or no such process.
 */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2, the command name in parentheses, may hold spaces: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19]; // field 22, as fields from 3 on are at index field - 3
    return ticks && /^\d+$/.test(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** Boot time in milliseconds since the epoch (`btime` of /proc/stat), or undefined. */
function bootTimeMs(): number | undefined {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's start times (USER_HZ, 100 on Linux's common platforms). */
const USER_HZ = 100;

/**
 * Whether the live process with the owner's pid is another process than the one that took the
 * lock (the pid was reused after the owner died). Linux compares start times: the lock's
 * recorded `processStart` exactly, or, for a lock without it, whether the process started more
 * than a second (the precision of the boot time) after the lock was taken. Elsewhere `false`.
 */
export function pidReused(owner: LockOwner): boolean {
  const ticks = processStartTicks(owner.pid);
  if (ticks === undefined) return false;
  if (owner.processStart !== undefined) return owner.processStart !== ticks;
  const boot = bootTimeMs();
  const taken = Date.parse(owner.started);
  if (boot === undefined || Number.isNaN(taken)) return false;
  return boot + (Number(ticks) * 1000) / USER_HZ > taken + 1000;
}

/** Whether the owner of a lock on this host still runs: its pid is alive and not reused. */
const ownerRuns = (owner: LockOwner): boolean => processAlive(owner.pid) && !pidReused(owner);

/**
 * Takes the lock of checkpoint folder `root` (which must exist) for this process. A lock held
 * by a live process, or by any process on another host, throws `CheckpointLockedError`; a lock
 * of a dead process on this host is taken over and `onNote` told so.
 */
export async function lockCheckpointDir(
  root: string,
  onNote: (message: string) => void = () => {},
): Promise<CheckpointLock> {
  const path = join(root, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    processStart: processStartTicks(process.pid),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const file = await open(path, 'wx');
      try {
        await file.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await file.close();
      }
      return held(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    if (owner === 'gone') continue; // released between our open and our read: try again
    if (owner && owner.host === me.host && owner.pid === me.pid) return held(path);
    if (owner && (owner.host !== me.host || ownerRuns(owner))) {
      throw new CheckpointLockedError(
        `'${root}' is in use by another trainer (pid ${owner.pid} on ${owner.host.slice(0, 100)}, since ${String(owner.started).slice(0, 40)}): two trainers on one folder would overwrite each other's checkpoints. Wait for it to finish, stop it, or choose another --checkpoint-dir.${owner.host !== me.host ? ` If that process no longer runs, remove '${path}'.` : ''}`,
      );
    }
    // Dead owner on this host (or an unreadable lock, left by a kill mid-write): take it over.
    // Move it aside first, so that of two trainers taking over at once only one succeeds.
    const aside = `${path}.stale-${process.pid}`;
    try {
      await rename(path, aside);
    } catch {
      continue;
    }
    const moved = await readOwner(aside);
    if (moved && moved !== 'gone' && moved.host === me.host && ownerRuns(moved)) {
      // Another trainer took the lock over between our read and our rename: give it back.
      await link(aside, path).catch(() => {});
      await unlink(aside).catch(() => {});
      continue;
    }
    await unlink(aside).catch(() => {});
    onNote(
      !owner
        ? `Replaced the unreadable lock file '${path}' (left by a trainer that was killed).`
        : processAlive(owner.pid)
          ? `Took over the lock of '${root}' from pid ${owner.pid}: that pid now belongs to another process, started after the lock was taken (the trainer that held it was killed).`
          : `Took over the lock of '${root}' from pid ${owner.pid}, which no longer runs (a trainer that was killed).`,
    );
  }
  throw new CheckpointLockedError(
    `Could not lock '${root}': other trainers keep taking it. Choose another --checkpoint-dir.`,
  );
}

async function readOwner(path: string): Promise<LockOwner | 'gone' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined;
  }
  return parseOwner(text);
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner> | null;
    if (o && typeof o.pid === 'number' && typeof o.host === 'string') {
      const processStart = typeof o.processStart === 'string' ? o.processStart : undefined;
      return { pid: o.pid, host: o.host, started: String(o.started), processStart };
    }
  } catch {}
  return undefined;
}

function held(path: string): CheckpointLock {
  let released = false;
  const mine = (text: string) => {
    const o = parseOwner(text);
    return o?.pid === process.pid && o.host === hostname();
  };
  return {
    async release() {
      if (released) return;
      released = true;
      const text = await readFile(path, 'utf8').catch(() => '');
      if (mine(text)) await unlink(path).catch(() => {});
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (mine(readFileSync(path, 'utf8'))) unlinkSync(path);
      } catch {}
    },
  };
}
