import type { NamedArray, NamedArrays } from '@rnnkit/cells';
import type { OptimizerState } from '@rnnkit/optim';
import type { CharTokenizerJSON } from '@rnnkit/tokenizer';
import type { io } from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import { resolveTrainConfig, type TrainOptions } from '../train/train-config.js';
import { type Bytes, toArrayBuffer } from './bytes.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointData,
  type TrainingState,
} from './checkpoint-data.js';
import { CARRIED_C, CARRIED_H } from './serialize-checkpoint.js';

const RETRY = 'Use another checkpoint (best/ or latest/), or train again.';

/**
 * Parses the text of `model.json`, turning a syntax error (or JSON that is not a `tf.io`
 * model.json: no object, no `weightsManifest` list) into a {@link CheckpointError}.
 * {@link deserializeCheckpoint} checks the rest.
 *
 * @example
 * ```ts
 * const modelJson = parseModelJson(await (await fetch('ckpt/best/model.json')).text());
 * ```
 */
export function parseModelJson(text: string, where = 'model.json'): io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(
      `${where} is not valid JSON (${(error as Error).message}): the checkpoint is corrupted or was cut short. ${RETRY}`,
    );
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (
    typeof json !== 'object' ||
    json === null ||
    Array.isArray(json) ||
    !Array.isArray(manifest)
  ) {
    throw new CheckpointError(
      `${where} is not a model.json with a weightsManifest list: it is not an rnnkit checkpoint. ${RETRY}`,
    );
  }
  return json as io.ModelJSON;
}

/**
 * Reads checkpoint artifacts back into plain data, checking the format, the version and that
 * the weights buffer holds exactly the bytes the manifest describes (a truncated or mismatched
 * weights file is caught here, before any model is touched). Pure, like the serializer.
 *
 * @example
 * ```ts
 * const data = deserializeCheckpoint({ modelJson: parseModelJson(json), weightData });
 * const { model, tokenizer } = loadCharLM(data);
 * ```
 */
export function deserializeCheckpoint(artifacts: {
  /** The parsed model.json (see {@link parseModelJson}). */
  modelJson: unknown;
  /** The weights file's bytes: an ArrayBuffer or a Uint8Array (what Node's readFile returns). */
  weightData: Bytes;
}): CheckpointData {
  const json = artifacts.modelJson as Record<string, unknown> | null;
  need(json !== null && typeof json === 'object', 'model.json does not hold a JSON object');
  const j = json as Record<string, unknown>;
  need(
    j.format === CHECKPOINT_FORMAT,
    `model.json has format ${JSON.stringify(j.format)}, not '${CHECKPOINT_FORMAT}': it is not an rnnkit checkpoint`,
  );
  const meta = (j.userDefinedMetadata ?? {}) as Record<string, unknown>;
  need(
    meta.version === CHECKPOINT_VERSION,
    `model.json has checkpoint version ${JSON.stringify(meta.version)}; this rnnkit reads version ${CHECKPOINT_VERSION}`,
  );
  const topology = (j.modelTopology ?? {}) as Record<string, unknown>;
  need(typeof topology.model === 'object' && topology.model !== null, 'model.json has no model');
  need(typeof topology.tokenizer === 'object', 'model.json has no tokenizer');
  const weights = readWeights(j.weightsManifest, toArrayBuffer(artifacts.weightData));
  const params: NamedArrays = {};
  for (const [name, a] of Object.entries(weights)) {
    if (!name.startsWith('optimizer/') && !name.startsWith('state/')) params[name] = a;
  }
  const data: CheckpointData = {
    model: topology.model as CheckpointData['model'],
    tokenizer: topology.tokenizer as CharTokenizerJSON,
    params,
  };
  if (meta.training !== undefined) data.training = readTraining(meta.training, weights);
  return data;
}

function readWeights(manifest: unknown, buffer: ArrayBuffer): NamedArrays {
  need(Array.isArray(manifest), 'model.json has no weightsManifest list');
  const specs = (manifest as { weights?: unknown }[]).flatMap((g) =>
    Array.isArray(g?.weights) ? g.weights : [],
  ) as { name?: unknown; shape?: unknown; dtype?: unknown }[];
  let bytes = 0;
  for (const s of specs) {
    const shape = s.shape as number[];
    need(
      typeof s.name === 'string' &&
        s.dtype === 'float32' &&
        Array.isArray(shape) &&
        shape.every((d) => Number.isInteger(d) && d >= 0),
      `the weightsManifest entry ${JSON.stringify(s)} is not a float32 weight with a shape`,
    );
    bytes += 4 * shape.reduce((a, b) => a * b, 1);
  }
  need(
    buffer.byteLength === bytes,
    `the weights file has ${buffer.byteLength} bytes but model.json describes ${bytes}: it is truncated or belongs to another save`,
  );
  const out: NamedArrays = {};
  let offset = 0;
  for (const s of specs) {
    const shape = s.shape as number[];
    const n = shape.reduce((a, b) => a * b, 1);
    // A copy, so the arrays do not pin (or alias) the caller's buffer.
    out[s.name as string] = { shape, data: new Float32Array(buffer.slice(offset, offset + 4 * n)) };
    offset += 4 * n;
  }
  return out;
}

function readTraining(value: unknown, weights: NamedArrays): TrainingState {
  const t = value as TrainingState & { optimizer: Omit<OptimizerState, 'slots'> };
  need(typeof t === 'object' && t !== null, 'the training state is not an object');
  try {
    // Checkpoints written before `init` existed started from the Keras-style init.
    t.config = resolveTrainConfig({ init: 'keras', ...(t.config as TrainOptions) }, 1);
  } catch (error) {
    need(false, `the training config is invalid (${(error as Error).message})`);
  }
  const ints = [t.step, t.windowsPerEpoch, t.rngState, t.interval?.steps, t.optimizer?.iterations];
  need(
    ints.every((n) => Number.isInteger(n) && (n as number) >= 0),
    'the training state lacks its step, data position, RNG state or optimizer step',
  );
  need(Array.isArray(t.history), 'the training state has no history list');
  const slots: OptimizerState['slots'] = {};
  for (const [name, a] of Object.entries(weights)) {
    const [head, param, slot] = name.split('/');
    if (head !== 'optimizer' || param === undefined || slot === undefined) continue;
    slots[param] = { ...slots[param], [slot]: a.data };
  }
  const h = weights[CARRIED_H];
  const c = weights[CARRIED_C];
  const carried: { h: NamedArray; c?: NamedArray } | undefined = h
    ? c
      ? { h, c }
      : { h }
    : undefined;
  return { ...t, optimizer: { ...t.optimizer, slots }, carried };
}

function need(ok: boolean, problem: string): asserts ok {
  if (!ok) throw new CheckpointError(`Cannot load the checkpoint: ${problem}. ${RETRY}`);
}
