// Node-only: checkpoints as folders on disk. The format itself (@rnnkit/trainer) is pure.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type CheckpointData,
  CheckpointError,
  deserializeCheckpoint,
  parseModelJson,
  serializeCheckpoint,
} from '@rnnkit/trainer';
import { describeReadError } from './text-file.js';

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

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

/** Reads and checks a checkpoint folder: model.json, then every weights file it names. */
export async function readCheckpoint(folder: string): Promise<CheckpointData> {
  const jsonPath = join(folder, 'model.json');
  const text = await readFile(jsonPath, 'utf8').catch((error: unknown) => {
    throw new CheckpointError(describeReadError(jsonPath, error, 'checkpoint file'));
  });
  const modelJson = parseModelJson(text, jsonPath) as { weightsManifest?: { paths?: unknown }[] };
  const paths = Array.isArray(modelJson?.weightsManifest)
    ? modelJson.weightsManifest.flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []))
    : [];
  const parts: Buffer[] = [];
  for (const p of paths) {
    const file = join(folder, String(p));
    parts.push(
      await readFile(file).catch(() => {
        throw new CheckpointError(
          `Cannot load the checkpoint: its weights file '${file}' is missing or unreadable. Use another checkpoint (best/ or latest/), or train again.`,
        );
      }),
    );
  }
  const all = Buffer.concat(parts);
  const weightData = all.buffer.slice(
    all.byteOffset,
    all.byteOffset + all.byteLength,
  ) as ArrayBuffer;
  return deserializeCheckpoint({ modelJson, weightData });
}

/**
 * Writes a checkpoint so that a crash or Ctrl-C at any moment leaves a loadable one: the
 * weights go to a new, uniquely named file first, then model.json (which names it) replaces
 * the old one by rename, the atomic step; only then are older weights files removed.
 */
export async function writeCheckpoint(folder: string, data: CheckpointData): Promise<void> {
  await mkdir(folder, { recursive: true });
  const weightsName = `weights-${data.training?.step ?? 0}-${randomBytes(4).toString('hex')}.bin`;
  const { modelJson, weightData } = serializeCheckpoint(data, { weightsPath: weightsName });
  const weightsPath = join(folder, weightsName);
  await writeAtomic(weightsPath, new Uint8Array(weightData));
  try {
    await writeAtomic(join(folder, 'model.json'), `${JSON.stringify(modelJson)}\n`);
  } catch (error) {
    await rm(weightsPath, { force: true }); // nothing names it: do not leave it behind
    throw error;
  }
  for (const name of await readdir(folder)) {
    if (/^weights-.*\.bin$/.test(name) && name !== weightsName) await rm(join(folder, name));
  }
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
    await rm(temp, { force: true }); // a failed write leaves no truncated file behind
    throw error;
  }
}
