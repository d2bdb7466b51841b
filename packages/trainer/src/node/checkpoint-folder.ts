// Node only (reached through '@rnnkit/trainer/node', never the main entry, so browser bundles
// stay free of `fs`): checkpoints as the folders `rnnkit train` writes.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readRegularFile, sizeContainedFiles } from '@rnnkit/core/node';
import { CheckpointError } from '../errors.js';
import type { CheckpointData } from '../files/checkpoint-data.js';
import {
  deserializeCheckpoint,
  parseModelJson,
  readCheckpointManifest,
} from '../files/deserialize-checkpoint.js';
import { serializeCheckpoint } from '../files/serialize-checkpoint.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * The checkpoint folder a path names: a folder holding model.json, a model.json file, or a
 * run's folder (then its `prefer` subfolder, else the other of latest/ and best/). Throws
 * `CheckpointError` when there is none.
 *
 * @example
 * ```ts
 * await findCheckpoint('runs/en');            // 'runs/en/best' (or 'runs/en/latest')
 * await findCheckpoint('runs/en', 'latest');  // where a resumed run continues
 * ```
 */
export async function findCheckpoint(
  path: string,
  prefer: 'best' | 'latest' = 'best',
): Promise<string> {
  if (basename(path) === 'model.json' && (await exists(path))) return dirname(path);
  const other = prefer === 'best' ? 'latest' : 'best';
  for (const folder of [path, join(path, prefer), join(path, other)]) {
    if (await exists(join(folder, 'model.json'))) return folder;
  }
  throw new CheckpointError(
    `No checkpoint at '${path}': there is no model.json there or in its ${prefer}/ or ${other}/ folder. Check the path, or train one with 'rnnkit train'.`,
  );
}

/** Largest model.json read: the weights live in their own files. */
const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/**
 * Reads and checks a checkpoint: `path` as {@link findCheckpoint} resolves it (a run's folder
 * gives its best/ by default), then model.json and every weights file it names.
 *
 * @example
 * ```ts
 * import { loadCharLM } from '@rnnkit/trainer';
 * import { loadCheckpoint } from '@rnnkit/trainer/node';
 * const { model, tokenizer } = loadCharLM(await loadCheckpoint('runs/en'));
 * ```
 */
export async function loadCheckpoint(
  path: string,
  options: { prefer?: 'best' | 'latest' } = {},
): Promise<CheckpointData> {
  const folder = await findCheckpoint(path, options.prefer ?? 'best');
  const jsonPath = join(folder, 'model.json');
  const json = await readRegularFile(jsonPath, {
    maxBytes: MAX_MODEL_JSON_BYTES,
    what: 'model.json',
  });
  const modelJson = parseModelJson(new TextDecoder().decode(json), jsonPath);
  // Every file model.json names must stay inside its folder and be a regular file of the size
  // the manifest promises, checked before any is read.
  const { paths, byteLength } = readCheckpointManifest(modelJson);
  const { files, total } = await sizeContainedFiles(folder, paths, 'weights file');
  if (total !== byteLength) {
    throw new CheckpointError(
      `Cannot load the checkpoint: its weights files hold ${total} bytes but model.json describes ${byteLength}: they are truncated or belong to another save. Use another checkpoint (best/ or latest/), or train again.`,
    );
  }
  const parts: Uint8Array[] = [];
  for (const file of files)
    parts.push(await readRegularFile(file, { maxBytes: byteLength, what: 'weights file' }));
  return deserializeCheckpoint({ modelJson, weightData: concat(parts) });
}

/**
 * Writes a checkpoint folder (model.json + one weights file) so that a crash at any moment
 * leaves a loadable one: the weights go to a new, uniquely named file first, then model.json
 * (which names it) replaces the old one by rename, the atomic step; only then are older
 * weights files removed. A run keeps `<dir>/latest` and `<dir>/best`, as `rnnkit train` does.
 *
 * @example
 * ```ts
 * await saveCheckpoint('runs/en/latest', trainer.checkpoint());
 * ```
 */
export async function saveCheckpoint(folder: string, data: CheckpointData): Promise<void> {
  const { modelJson, weightData, weightsName } = serialize(data);
  try {
    await mkdir(folder, { recursive: true });
    const weightsPath = join(folder, weightsName);
    await writeAtomic(weightsPath, new Uint8Array(weightData));
    try {
      await writeAtomic(join(folder, 'model.json'), `${JSON.stringify(modelJson)}\n`);
    } catch (error) {
      await rm(weightsPath, { force: true }).catch(() => {}); // nothing names it
      throw error;
    }
  } catch (error) {
    throw new CheckpointError(
      `Cannot save the checkpoint in '${folder}': ${whyWriteFailed(error)}. The checkpoint that was there is kept; make room or choose another folder, then save again.`,
      { cause: error },
    );
  }
  // The checkpoint is saved; older weights files are now unreferenced. One that cannot be
  // removed is harmless, and the next save tries again.
  for (const name of await readdir(folder).catch(() => [])) {
    if (/^weights-.*\.bin$/.test(name) && name !== weightsName) {
      await rm(join(folder, name)).catch(() => {});
    }
  }
}

function serialize(data: CheckpointData) {
  const weightsName = `weights-${data.training?.step ?? 0}-${randomBytes(4).toString('hex')}.bin`;
  return { ...serializeCheckpoint(data, { weightsPath: weightsName }), weightsName };
}

/**
 * Why a file system write failed, in words a user can act on (a full disk, permissions, a file
 * in the way), else the error's own message. The failed call's error stays the `cause`.
 */
export function whyWriteFailed(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return 'permission denied (or a read-only disk)';
  }
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return 'a file is in the way of a folder on that path';
  if (code === 'EISDIR') return 'a folder is in the way of a file on that path';
  return (error as Error).message;
}

async function writeAtomic(path: string, content: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
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
    await rm(temp, { force: true }).catch(() => {}); // no truncated file left behind
    throw error;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  return all;
}
