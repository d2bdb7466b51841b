// Node-only: exported model files on disk (safetensors + sidecar, tfjs-layers folders). The
// formats themselves (@rnnkit/cells, @rnnkit/trainer) are pure and work in browsers too.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileAccessError, parseJsonSafely } from '@rnnkit/core';
import { readRegularFile, sizeContainedFiles } from '@rnnkit/core/node';
import { type LayersModelFiles, readLayersManifest, sidecarPath } from '@rnnkit/trainer';
import { whyWriteFailed } from '@rnnkit/trainer/node';
import { InputError, asInputError as named } from '../errors.js';
import { exists } from './file-access.js';

/** Largest JSON file (sidecar, model.json) read: configs and tokenizers, never weights. */
const MAX_JSON_BYTES = 64 * 2 ** 20;

/** Reads a file the user named: a regular file only (no FIFO, device or folder), bounded. */
export async function readBytes(
  path: string,
  what: string,
  maxBytes?: number,
): Promise<Uint8Array> {
  return readRegularFile(path, { what, ...(maxBytes === undefined ? {} : { maxBytes }) }).catch(
    (error: unknown) => {
      throw asInputError(error);
    },
  );
}

/** Reads a JSON file, or undefined when it does not exist. Prototype keys are dropped. */
export async function readJsonIfPresent(path: string): Promise<unknown> {
  if (!(await exists(path))) return undefined;
  const text = new TextDecoder().decode(await readBytes(path, 'JSON file', MAX_JSON_BYTES));
  return parseJsonSafely(text, (error) => {
    throw new InputError(`'${path}' is not valid JSON (${error.message}).`);
  });
}

/**
 * A tfjs-layers model from its model.json (or the folder holding it) and its weight files,
 * each resolved inside the model.json's folder, a regular file, the sizes checked against the
 * manifest's float32 weights before any is read. The importer checks every other field.
 */
export async function readLayersModel(path: string): Promise<LayersModelFiles> {
  const jsonPath = basename(path) === 'model.json' ? path : join(path, 'model.json');
  const modelJson = (await readJsonIfPresent(jsonPath)) as
    | LayersModelFiles['modelJson']
    | undefined;
  if (!modelJson) throw new InputError(`No model.json at '${jsonPath}'. Check the path.`);
  const { paths, byteLength: expected } = await named(`Cannot import ${jsonPath}`, () =>
    readLayersManifest(modelJson),
  );
  const folder = dirname(jsonPath);
  const { files, total } = await sizeContainedFiles(folder, paths, 'weights file').catch(
    (error: unknown) => {
      throw asInputError(error);
    },
  );
  if (total !== expected) {
    throw new InputError(
      `Cannot import ${jsonPath}: its weights files hold ${total} bytes but its weightsManifest describes ${expected} bytes of float32 weights. Re-export the model, or copy its weights files completely.`,
    );
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const file of files) {
    const part = await readBytes(file, 'weights file', total - at);
    all.set(part, at);
    at += part.length;
  }
  return { modelJson, weightData: all.buffer };
}

function asInputError(error: unknown): unknown {
  return error instanceof FileAccessError ? new InputError(error.message) : error;
}

export async function writeLayersModel(folder: string, files: LayersModelFiles): Promise<string[]> {
  return writing(folder, () => writeLayersModelFiles(folder, files));
}

async function writeLayersModelFiles(folder: string, files: LayersModelFiles): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const weights = join(folder, files.modelJson.weightsManifest[0]?.paths[0] ?? 'weights.bin');
  await writeFile(weights, new Uint8Array(files.weightData));
  await writeFile(join(folder, 'model.json'), `${JSON.stringify(files.modelJson)}\n`);
  return [join(folder, 'model.json'), weights];
}

export async function writeSafetensorsFiles(
  out: string,
  bytes: Uint8Array,
  sidecar: object,
): Promise<string[]> {
  return writing(out, () => writeSafetensorsPair(out, bytes, sidecar));
}

async function writeSafetensorsPair(
  out: string,
  bytes: Uint8Array,
  sidecar: object,
): Promise<string[]> {
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, bytes);
  await writeFile(sidecarPath(out), `${JSON.stringify(sidecar, null, 2)}\n`);
  return [out, sidecarPath(out)];
}

/** Runs a write, turning a file-system failure into a one-line InputError naming the path. */
async function writing<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new InputError(`Cannot write '${path}': ${whyWriteFailed(error)}. Choose another --out.`);
  }
}
