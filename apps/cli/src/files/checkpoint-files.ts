// Node-only: checkpoints as folders on disk. The format itself (@rnnkit/trainer) is pure.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileAccessError } from '@rnnkit/core';
import { readRegularFile, sizeContainedFiles } from '@rnnkit/core/node';
import {
  type CheckpointData,
  CheckpointError,
  deserializeCheckpoint,
  parseModelJson,
  readCheckpointManifest,
  serializeCheckpoint,
} from '@rnnkit/trainer';
import { whyWriteFailed } from '@rnnkit/trainer/node';
import { CheckpointWriteError } from '../errors.js';
import { processAlive } from './checkpoint-lock.js';
import { exists } from './file-access.js';

/**
 * The checkpoint folder a path names: the folder holding model.json, a model.json file, or a
 * run's folder (then its `prefer` subfolder, else the other one of latest/ and best/).
 */
export async function findCheckpoint(path: string, prefer: 'best' | 'latest'): Promise<string> {
  if (basename(path) === 'model.json' && (await exists(path))) return dirname(path);
  const other = prefer === 'best' ? 'latest' : 'best';
  for (const folder of [path, join(path, prefer), join(path, other)]) {
    if (await exists(join(folder, 'model.json'))) return folder;
  }
  throw new CheckpointError(
    `No checkpoint at '${path}': there is no model.json there or in its ${prefer}/ or ${other}/ folder. Check the path, or train one with 'rnnkit train'.`,
  );
}

/** Largest model.json read: the config, tokenizer and training history, never weights. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/**
 * Reads and checks a checkpoint folder: model.json (a regular file of bounded size), every
 * field of it, then the weights files it names, each resolved inside the folder (no `..`, no
 * absolute path, no link out, no FIFO or device) and their sizes checked against the manifest
 * before a byte of them is read.
 */
export async function readCheckpoint(folder: string): Promise<CheckpointData> {
  const jsonPath = join(folder, 'model.json');
  const bytes = await readRegularFile(jsonPath, {
    maxBytes: MAX_MODEL_JSON_BYTES,
    what: 'checkpoint file',
  }).catch((error: unknown) => {
    throw asCheckpointError(error);
  });
  const modelJson = parseModelJson(new TextDecoder().decode(bytes), jsonPath);
  const { paths, byteLength } = readCheckpointManifest(modelJson);
  const { files, total } = await sizeContainedFiles(folder, paths, 'weights file').catch(
    (error: unknown) => {
      throw asCheckpointError(error);
    },
  );
  if (total !== byteLength) {
    throw new CheckpointError(
      `Cannot load the checkpoint: its weights files hold ${total} bytes but model.json describes ${byteLength}: they are truncated or belong to another save. Use another checkpoint (best/ or latest/), or train again.`,
    );
  }
  const all = new Uint8Array(byteLength);
  let at = 0;
  try {
    for (const file of files) {
      const part = await readRegularFile(file, { maxBytes: byteLength - at, what: 'weights file' });
      all.set(part, at);
      at += part.length;
    }
  } catch (error) {
    throw asCheckpointError(error);
  }
  return deserializeCheckpoint({ modelJson, weightData: all.buffer });
}

function asCheckpointError(error: unknown): unknown {
  if (!(error instanceof FileAccessError)) return error;
  const hint =
    error.reason === 'outside-folder' || error.reason === 'bad-path'
      ? ''
      : ' Use another checkpoint (best/ or latest/), or train again.';
  return new CheckpointError(`Cannot load the checkpoint: ${error.message}${hint}`);
}

/**
 * Writes a checkpoint so that a crash, a kill or a full disk at any moment leaves a loadable
 * one: the weights go to a new, uniquely named file first, then model.json (which names it)
 * replaces the old one by rename, the atomic step; only then are older weights files removed.
 * A failed write removes what it wrote and throws `CheckpointWriteError`; the previous
 * checkpoint stays as it was.
 */
export async function writeCheckpoint(folder: string, data: CheckpointData): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw writeError(folder, error);
  }
  const weightsName = `weights-${data.training?.step ?? 0}-${randomBytes(4).toString('hex')}.bin`;
  const { modelJson, weightData } = serializeCheckpoint(data, { weightsPath: weightsName });
  const weightsPath = join(folder, weightsName);
  await writeAtomic(weightsPath, new Uint8Array(weightData));
  try {
    await writeAtomic(join(folder, 'model.json'), `${JSON.stringify(modelJson)}\n`);
  } catch (error) {
    await rm(weightsPath, { force: true }).catch(() => {});
    throw error;
  }
  for (const name of await readdir(folder)) {
    if (/^weights-.*\.bin$/.test(name) && name !== weightsName) {
      await rm(join(folder, name), { force: true });
    }
  }
}

/** Temp files being written now: a second Ctrl-C removes them before exiting. */
const inFlight = new Set<string>();

/** Removes the temp files of writes in progress (for an exit that cannot wait for them). */
export function removeTempFilesSync(): void {
  for (const temp of inFlight) rmSync(temp, { force: true });
  inFlight.clear();
}

async function writeAtomic(path: string, content: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  inFlight.add(temp);
  try {
    const file = await open(temp, 'w');
    try {
      await file.writeFile(content);
      await file.sync(); // on disk before the rename makes it visible
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw writeError(path, error);
  } finally {
    inFlight.delete(temp);
  }
}

function writeError(path: string, error: unknown): CheckpointWriteError {
  if (error instanceof CheckpointWriteError) return error;
  return new CheckpointWriteError(
    `Cannot write '${path}': ${whyWriteFailed(error)}. The previous checkpoint is kept; free some space or fix the folder, then continue with --resume.`,
  );
}

/**
 * Makes sure a run can save before it trains: creates `root`, writes and removes a probe file
 * (so a full disk, a read-only folder or a file in the way is reported in one line at once),
 * and removes temp files and unreferenced weights files left in latest/ and best/ by trainers
 * that were killed. Call it with the folder's lock held.
 */
export async function prepareCheckpointDir(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true });
    const probe = join(root, `.rnnkit-probe-${process.pid}`);
    try {
      const file = await open(probe, 'w');
      try {
        await file.writeFile(new Uint8Array(4096));
        await file.sync();
      } finally {
        await file.close();
      }
    } finally {
      await rm(probe, { force: true });
    }
  } catch (error) {
    throw new CheckpointWriteError(
      `Cannot save checkpoints in '${root}': ${whyWriteFailed(error)}. Choose another --checkpoint-dir, or make room.`,
    );
  }
}

/**
 * Removes temp files and unreferenced weights files left in latest/ and best/ by trainers that
 * were killed. Call it with the folder's lock held; returns the paths removed.
 */
export async function removeStaleFiles(root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const sub of ['latest', 'best']) {
    const folder = join(root, sub);
    const names = await readdir(folder).catch(() => [] as string[]);
    const current = await currentWeights(folder);
    for (const name of names) {
      const temp = /\.tmp-(\d+)$/.exec(name);
      const stale = temp
        ? !processAlive(Number(temp[1])) || Number(temp[1]) === process.pid
        : current !== undefined && /^weights-.*\.bin$/.test(name) && !current.includes(name);
      if (stale) {
        await rm(join(folder, name), { force: true });
        removed.push(join(folder, name));
      }
    }
  }
  return removed;
}

/** The weights files a folder's model.json names, or undefined when it cannot be read. */
async function currentWeights(folder: string): Promise<string[] | undefined> {
  try {
    const text = await readFile(join(folder, 'model.json'), 'utf8');
    return readCheckpointManifest(parseModelJson(text)).paths;
  } catch {
    return undefined;
  }
}
