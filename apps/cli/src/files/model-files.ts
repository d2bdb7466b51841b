// Node-only: exported model files on disk (safetensors + sidecar, tfjs-layers folders). The
// formats themselves (@rnnkit/cells, @rnnkit/trainer) are pure and work in browsers too.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type LayersModelFiles, sidecarPath } from '@rnnkit/trainer';
import { InputError } from '../errors.js';
import { describeReadError, exists } from './file-access.js';

export async function readBytes(path: string, what: string): Promise<Uint8Array> {
  const buffer = await readFile(path).catch((error: unknown) => {
    throw new InputError(describeReadError(path, error, what));
  });
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Reads a JSON file, or undefined when it does not exist. */
export async function readJsonIfPresent(path: string): Promise<unknown> {
  if (!(await exists(path))) return undefined;
  const text = new TextDecoder().decode(await readBytes(path, 'JSON file'));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`'${path}' is not valid JSON (${(error as Error).message}).`);
  }
}

/** A tfjs-layers model from its model.json (or the folder holding it) and its weight files. */
export async function readLayersModel(path: string): Promise<LayersModelFiles> {
  const jsonPath = basename(path) === 'model.json' ? path : join(path, 'model.json');
  const modelJson = (await readJsonIfPresent(jsonPath)) as
    | LayersModelFiles['modelJson']
    | undefined;
  if (!modelJson) throw new InputError(`No model.json at '${jsonPath}'. Check the path.`);
  const paths = (modelJson.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
  const parts = await Promise.all(
    paths.map((p) => readBytes(join(dirname(jsonPath), p), 'weights file')),
  );
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return { modelJson, weightData: all.buffer };
}

export async function writeLayersModel(folder: string, files: LayersModelFiles): Promise<string[]> {
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
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, bytes);
  await writeFile(sidecarPath(out), `${JSON.stringify(sidecar, null, 2)}\n`);
  return [out, sidecarPath(out)];
}
