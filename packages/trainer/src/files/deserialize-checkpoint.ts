import type { NamedArray, NamedArrays } from '@rnnkit/cells';
import { parseJsonSafely } from '@rnnkit/core';
import type { OptimizerState } from '@rnnkit/optim';
import { CharTokenizer, type CharTokenizerJSON } from '@rnnkit/tokenizer';
import type { io } from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import { resolveTrainConfig, type TrainOptions } from '../train/train-config.js';
import { type Bytes, toArrayBuffer } from './bytes.js';
import { charLMShapes } from './char-lm-shapes.js';
import type { CheckpointData, TrainingState } from './checkpoint-data.js';
import {
  CheckpointModelJsonSchema,
  checkSchema,
  TrainingStateSchema,
} from './checkpoint-schema.js';
import { charLMLimitProblem } from './model-limits.js';
import { CARRIED_C, CARRIED_H } from './serialize-checkpoint.js';

const RETRY = 'Use another checkpoint (best/ or latest/), or train again.';

/**
 * Parses the text of `model.json`, turning a syntax error (or JSON that is not a `tf.io`
 * model.json: no object, no `weightsManifest` list) into a {@link CheckpointError}. Keys that
 * reach an object's prototype (`__proto__`, `constructor`, `prototype`) are dropped.
 * {@link deserializeCheckpoint} checks the rest.
 *
 * @example
 * ```ts
 * const modelJson = parseModelJson(await (await fetch('ckpt/best/model.json')).text());
 * ```
 */
export function parseModelJson(text: string, where = 'model.json'): io.ModelJSON {
  const json: unknown = parseJsonSafely(text, (error) => {
    throw new CheckpointError(
      `${where} is not valid JSON (${error.message}): the checkpoint is corrupted or was cut short. ${RETRY}`,
    );
  });
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

/** What a checkpoint's model.json promises about its weights files, checked. */
export interface CheckpointManifest {
  /** The weights files, relative to the folder of model.json, in manifest order. */
  paths: string[];
  /** The bytes all of them hold together. */
  byteLength: number;
}

/**
 * Checks every field of a checkpoint's model.json (format, version, model config within
 * `CHAR_LM_LIMITS`, weights manifest) and returns the weights files it names and the bytes
 * they must hold together, so a loader can check the files' sizes before reading them.
 * Throws {@link CheckpointError}.
 *
 * @example
 * ```ts
 * const { paths, byteLength } = readCheckpointManifest(parseModelJson(text));
 * ```
 */
export function readCheckpointManifest(modelJson: unknown): CheckpointManifest {
  const j = checkModelJson(modelJson);
  const paths = j.weightsManifest.flatMap((g) => g.paths);
  const byteLength = j.weightsManifest
    .flatMap((g) => g.weights)
    .reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  need(
    Number.isSafeInteger(byteLength) && byteLength <= 2 ** 31,
    `its weightsManifest describes ${byteLength} bytes of weights, more than rnnkit loads`,
  );
  return { paths, byteLength };
}

function checkModelJson(modelJson: unknown) {
  if (modelJson === null || typeof modelJson !== 'object' || Array.isArray(modelJson)) {
    need(false, 'model.json does not hold a JSON object');
  }
  const j = modelJson as Record<string, unknown>;
  need(
    j.format === 'rnnkit-char-lm',
    `model.json has format ${short(j.format)}, not 'rnnkit-char-lm': it is not an rnnkit checkpoint`,
  );
  const meta = j.userDefinedMetadata as Record<string, unknown> | undefined;
  need(
    meta?.version === 1,
    `model.json has checkpoint version ${short(meta?.version)}; this rnnkit reads version 1`,
  );
  const checked = checkSchema(CheckpointModelJsonSchema, modelJson);
  if (!checked.ok) need(false, `model.json is malformed (${checked.problem})`);
  const limit = charLMLimitProblem(checked.value.modelTopology.model);
  need(limit === undefined, `its model is too large to load: ${limit}`);
  return checked.value;
}

/**
 * Reads checkpoint artifacts back into plain data. Everything is checked before any weight
 * array is made: every field of model.json and of the training state, the model config against
 * `CHAR_LM_LIMITS`, the tokenizer, and that the weights buffer holds exactly the bytes the
 * manifest describes; then that the weights, optimizer slots and carried state have exactly the
 * model's names and shapes. Pure, like the serializer.
 *
 * @example
 * ```ts
 * const data = deserializeCheckpoint({ modelJson: parseModelJson(json), weightData });
 * const { model, tokenizer } = loadCharLM(data);
 * ```
 */
export function deserializeCheckpoint(artifacts: {
  modelJson: unknown;
  /** The weights file's bytes: an ArrayBuffer or a Uint8Array (what Node's readFile returns). */
  weightData: Bytes;
}): CheckpointData {
  const weightData = toArrayBuffer(artifacts.weightData);
  const j = checkModelJson(artifacts.modelJson);
  const { byteLength } = readCheckpointManifest(artifacts.modelJson);
  const model = j.modelTopology.model;
  const tokenizer = checkTokenizer(j.modelTopology.tokenizer, model.vocabSize);
  let training: TrainingState | undefined;
  const rawTraining = j.userDefinedMetadata.training;
  const state = rawTraining === undefined ? undefined : checkTraining(rawTraining, model);
  need(
    weightData.byteLength === byteLength,
    `the weights file has ${weightData.byteLength} bytes but model.json describes ${byteLength}: it is truncated or belongs to another save`,
  );
  const specs = j.weightsManifest.flatMap((g) => g.weights);
  const expected = expectedWeights(model, state);
  const seen = new Set<string>();
  for (const s of specs) {
    const want = expected.get(s.name);
    need(
      want !== undefined,
      `its weights file holds '${clip(s.name)}', which this model does not have`,
    );
    need(!seen.has(s.name), `its weights file holds '${clip(s.name)}' twice`);
    need(
      want.join(',') === s.shape.join(','),
      `its weight '${clip(s.name)}' has shape [${s.shape.join(', ')}], expected [${want.join(', ')}]`,
    );
    seen.add(s.name);
  }
  for (const required of Object.keys(charLMShapes(model))) {
    need(seen.has(required), `its weights file lacks '${required}'`);
  }
  const weights = readWeights(specs, weightData);
  const params: NamedArrays = {};
  for (const [key, a] of Object.entries(weights)) {
    if (!key.startsWith('optimizer/') && !key.startsWith('state/')) params[key] = a;
  }
  if (state) training = withArrays(state, weights, model.cell);
  return training ? { model, tokenizer, params, training } : { model, tokenizer, params };
}

function checkTokenizer(value: unknown, vocabSize: number): CharTokenizerJSON {
  let size: number;
  try {
    size = CharTokenizer.fromJSON(value as CharTokenizerJSON).vocabSize;
  } catch (error) {
    need(false, `its tokenizer is invalid (${(error as Error).message})`);
  }
  need(size === vocabSize, `its tokenizer has ${size} tokens but its model ${vocabSize}`);
  return value as CharTokenizerJSON;
}

type CheckedTraining = Omit<TrainingState, 'optimizer' | 'carried'> & {
  optimizer: Omit<OptimizerState, 'slots'>;
};

function checkTraining(value: unknown, model: CheckpointData['model']): CheckedTraining {
  const checked = checkSchema(TrainingStateSchema, value);
  if (!checked.ok) need(false, `its training state is malformed (${checked.problem})`);
  const t = checked.value;
  let config: TrainingState['config'];
  try {
    // Checkpoints written before `init` existed started from the Keras-style init.
    config = resolveTrainConfig({ init: 'keras', ...(t.config as TrainOptions) }, 1);
  } catch (error) {
    need(false, `the training config is invalid (${(error as Error).message})`);
  }
  for (const key of ['cell', 'hiddenSize', 'numLayers'] as const) {
    need(
      config[key] === model[key],
      `its training config says ${key} ${short(config[key])} but its model has ${short(model[key])}`,
    );
  }
  need(
    model.input === 'onehot',
    'its model reads embeddings, which rnnkit training does not resume',
  );
  need(
    t.optimizer.name === config.optimizer,
    `its optimizer state is '${t.optimizer.name}' but its training config says '${config.optimizer}'`,
  );
  need(
    t.bestStep === null || t.bestStep <= t.step,
    `bestStep ${t.bestStep} is after step ${t.step}`,
  );
  need(
    t.interval.steps <= t.step,
    `interval.steps ${t.interval.steps} is more than step ${t.step}`,
  );
  need(
    t.history.every((e) => e.step <= t.step),
    `its history has an evaluation after step ${t.step}`,
  );
  const shapes = charLMShapes(model);
  for (const [param, shape] of Object.entries(t.optimizer.shapes)) {
    need(
      Object.hasOwn(shapes, param) && shapes[param]?.join(',') === shape.join(','),
      `its optimizer state has shape [${shape.join(', ')}] for '${clip(param)}', which the model does not have`,
    );
  }
  return {
    ...t,
    config,
    optimizer: t.optimizer as CheckedTraining['optimizer'],
    history: t.history.map((e) => ({ ...e, trainLoss: e.trainLoss ?? Number.NaN })),
  };
}

/**
 * The shape a weight of this name must have in a checkpoint of this model (and training
 * state), or undefined when such a checkpoint cannot hold it. The optimizer checks slot names.
 */
function expectedWeights(
  model: CheckpointData['model'],
  state: CheckedTraining | undefined,
): { get(name: string): number[] | undefined } {
  const shapes = new Map(Object.entries(charLMShapes(model)));
  const carried = state && [model.numLayers, state.config.batchSize, model.hiddenSize];
  return {
    get(name) {
      if (shapes.has(name)) return shapes.get(name);
      if (!carried) return undefined;
      if (name === CARRIED_H || (name === CARRIED_C && model.cell === 'lstm')) return carried;
      const [head, param, slot, ...rest] = name.split('/');
      if (head !== 'optimizer' || !param || !slot || rest.length > 0) return undefined;
      return /^[A-Za-z]{1,32}$/.test(slot) ? shapes.get(param) : undefined;
    },
  };
}

function withArrays(
  t: CheckedTraining,
  weights: NamedArrays,
  cell: CheckpointData['model']['cell'],
): TrainingState {
  const slots: OptimizerState['slots'] = {};
  for (const [key, a] of Object.entries(weights)) {
    const [head, param, slot] = key.split('/');
    if (head !== 'optimizer' || param === undefined || slot === undefined) continue;
    slots[param] = { ...slots[param], [slot]: a.data };
  }
  const h = weights[CARRIED_H];
  const c = weights[CARRIED_C];
  need(!c || h, `its training state has '${CARRIED_C}' without '${CARRIED_H}'`);
  need(
    !h || (cell === 'lstm') === (c !== undefined),
    cell === 'lstm'
      ? `its training state has '${CARRIED_H}' but lacks '${CARRIED_C}', which an LSTM carries`
      : `its training state has '${CARRIED_C}', which a ${cell} does not carry`,
  );
  const carried: { h: NamedArray; c?: NamedArray } | undefined = h
    ? c
      ? { h, c }
      : { h }
    : undefined;
  return { ...t, optimizer: { ...t.optimizer, slots }, carried };
}

function readWeights(specs: { name: string; shape: number[] }[], buffer: ArrayBuffer): NamedArrays {
  const out: NamedArrays = {};
  let offset = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    // A copy, so the arrays do not pin (or alias) the caller's buffer.
    out[s.name] = {
      shape: [...s.shape],
      data: new Float32Array(buffer.slice(offset, offset + 4 * n)),
    };
    offset += 4 * n;
  }
  return out;
}

function clip(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function need(ok: unknown, problem: string): asserts ok {
  if (!ok) throw new CheckpointError(`Cannot load the checkpoint: ${problem}. ${RETRY}`);
}
