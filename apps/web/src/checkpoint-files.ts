// The checkpoint as files: the CLI's folder layout (model.json + the weights file it names),
// zipped into one download, and read back from a zip or from the files of a CLI run's folder.
import { unzipSync, zipSync } from 'fflate';
import { InputError } from './settings.js';

export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

export interface CheckpointArtifacts {
  modelJson: unknown;
  weightData: ArrayBuffer;
}

/** The weights file name the page writes (model.json's weightsManifest names it). */
export const WEIGHTS_FILE = 'weights.bin';

/** One zip holding `<folder>/model.json` and `<folder>/weights.bin`: unzip, then `rnnkit sample <folder>`. */
export function zipCheckpoint(
  folder: string,
  modelJson: unknown,
  weightData: ArrayBuffer,
): Uint8Array {
  const json = new TextEncoder().encode(`${JSON.stringify(modelJson)}\n`);
  return zipSync(
    { [folder]: { 'model.json': json, [WEIGHTS_FILE]: new Uint8Array(weightData) } },
    { level: 0 },
  );
}

const isZip = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4;

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

function parseJson(file: PickedFile): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes));
  } catch {
    throw new InputError(
      `'${file.name}' is not a checkpoint: it is not JSON. Pick the model.json of a checkpoint folder together with its weights file, or a checkpoint .zip saved by this page.`,
    );
  }
}

function weightsPaths(modelJson: unknown): string[] {
  const manifest = (modelJson as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) return [];
  return manifest.flatMap((g: { paths?: unknown }) =>
    Array.isArray(g?.paths) ? g.paths.map(String) : [],
  );
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.buffer;
}

/**
 * Finds model.json and its weights among picked files: a checkpoint .zip, or model.json
 * with the weights file(s) its manifest names (as `rnnkit train` writes them). Checking the
 * format itself is left to `deserializeCheckpoint`, which says what is wrong.
 */
export function readCheckpointFiles(files: PickedFile[]): CheckpointArtifacts {
  if (files.length === 0)
    throw new InputError(
      'No file picked: pick a checkpoint .zip, or model.json and its weights file.',
    );
  let pool = files;
  const zip = files.find((f) => isZip(f.bytes));
  if (zip) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(zip.bytes);
    } catch {
      throw new InputError(`'${zip.name}' is a damaged zip file: save the checkpoint again.`);
    }
    pool = Object.entries(entries).map(([name, bytes]) => ({ name, bytes }));
  }
  const json =
    pool.find((f) => baseName(f.name) === 'model.json') ??
    pool.find((f) => f.name.endsWith('.json'));
  if (!json) {
    const what = zip
      ? `The zip '${zip.name}' holds no model.json`
      : 'None of the picked files is a model.json';
    throw new InputError(
      `${what}, so it is not an rnnkit checkpoint. Pick the model.json of a checkpoint folder (rnnkit train writes runs/<name>/best/model.json) together with its weights file, or a .zip saved by this page.`,
    );
  }
  const modelJson = parseJson(json);
  const dir = json.name.includes('/') ? json.name.slice(0, json.name.lastIndexOf('/') + 1) : '';
  const parts = weightsPaths(modelJson).map((p) => {
    const found =
      pool.find((f) => f.name === dir + p) ?? pool.find((f) => baseName(f.name) === baseName(p));
    if (!found) {
      throw new InputError(
        `model.json names the weights file '${p}', which was not picked. Pick model.json and '${baseName(p)}' together (both are in the checkpoint folder).`,
      );
    }
    return found.bytes;
  });
  return { modelJson, weightData: concat(parts) };
}
