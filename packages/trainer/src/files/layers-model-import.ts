import {
  type CellType,
  type KerasGruVariant,
  type KerasLayerWeights,
  kerasToStateDict,
  type NamedArray,
  type NamedArrays,
  transposeNamedArray,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from '../errors.js';
import type { CharLMConfig } from '../models/char-lm.js';
import { type Bytes, toArrayBuffer } from './bytes.js';
import { checkCharLMParams, recurrentConfigOf } from './char-lm-shapes.js';
import { checkSchema } from './checkpoint-schema.js';
import type { LayersModelFiles } from './layers-model-export.js';
import { LayersModelJsonSchema } from './layers-model-schema.js';
import { KERAS_CLASS } from './layers-topology.js';
import { CHAR_LM_LIMITS, charLMLimitProblem } from './model-limits.js';
import type { PortableCharLM } from './portable-char-lm.js';
import { readSidecar } from './safetensors-char-lm.js';

type LayerJson = { class_name: string; config: Record<string, unknown> };
const CELLS = Object.fromEntries(Object.entries(KERAS_CLASS).map(([c, k]) => [k, c as CellType]));

/**
 * Imports a tfjs-layers (or `tensorflowjs_converter`-converted Keras) `Sequential` model of the
 * kind `charLMToLayersModel` writes: `[Embedding] → SimpleRNN | LSTM | GRU … (return_sequences,
 * tanh, sigmoid) → Dense | TimeDistributed(Dense)`. GRUs may be reset-after (Keras TF2) or
 * reset-before with diagonal recurrent n blocks. Anything else throws `ModelFileError` (or
 * `KerasLayoutError`) naming the layer, rather than importing a different network.
 *
 * @example
 * ```ts
 * const modelJson = JSON.parse(readFileSync('model.json', 'utf8'));
 * const p = charLMFromLayersModel({ modelJson, weightData: readFileSync('weights.bin') });
 * ```
 */
export function charLMFromLayersModel(
  files: Omit<LayersModelFiles, 'weightData'> & { weightData: Bytes },
  where = 'model.json',
): PortableCharLM {
  const { modelJson } = files;
  const weightData = toArrayBuffer(files.weightData);
  const topology = (modelJson as { modelTopology?: unknown } | null)?.modelTopology as
    | { class_name?: unknown }
    | undefined;
  if (topology?.class_name !== 'Sequential') {
    const kind = typeof topology?.class_name === 'string' ? topology.class_name : 'missing';
    bad(where, `its model is ${kind.slice(0, 100)}, not a Keras Sequential model`);
  }
  const checked = checkSchema(LayersModelJsonSchema, modelJson);
  if (!checked.ok) bad(where, `its model.json is malformed (${checked.problem})`);
  const raw = checked.value.modelTopology.config;
  const all = (Array.isArray(raw) ? raw : raw.layers) as LayerJson[];
  const layers = all.filter((l) => l.class_name !== 'InputLayer');
  checkSizesBeforeDecoding(layers, where);
  const weights = decode(checked.value.weightsManifest, weightData, where);
  const of = (layer: LayerJson, suffix: string): NamedArray => {
    const name = layer.config.name as string;
    const hit = Object.keys(weights).find(
      (k) => k.startsWith(`${name}/`) && k.endsWith(`/${suffix}`),
    );
    if (!hit) bad(where, `layer ${name} has no ${suffix} weight`);
    return weights[hit] as NamedArray;
  };
  const params: NamedArrays = {};
  let first = 0;
  if (layers[0]?.class_name === 'Embedding') {
    params['embedding.weight'] = of(layers[0], 'embeddings');
    first = 1;
  }
  const head = layers.at(-1);
  const dense = head?.class_name === 'TimeDistributed' ? (head.config.layer as LayerJson) : head;
  const recurrent = layers.slice(first, -1);
  const cell = CELLS[recurrent[0]?.class_name ?? ''];
  if (!cell || !head || dense?.class_name !== 'Dense' || dense.config.activation !== 'linear') {
    bad(
      where,
      `its layers are ${layers.map((l) => l.class_name).join(' → ')}; rnnkit imports [Embedding →] SimpleRNN|LSTM|GRU … → Dense (linear)`,
    );
  }
  const gru = recurrent.map((l) => checkRecurrent(l, cell, where))[0] ?? 'reset-after';
  const kernel0 = of(recurrent[0] as LayerJson, 'kernel');
  const fcKernel = of(head, 'kernel');
  const hiddenSize = Number(recurrent[0]?.config.units);
  const vocabSize = fcKernel.shape[1] ?? 0;
  const embeddingDim = params['embedding.weight']?.shape[1] ?? hiddenSize;
  const model: Required<CharLMConfig> = {
    vocabSize,
    cell,
    hiddenSize,
    numLayers: recurrent.length,
    input: first === 1 ? 'embedding' : 'onehot',
    embeddingDim,
  };
  if (model.input === 'onehot' && kernel0.shape[0] !== vocabSize) {
    bad(
      where,
      `its first recurrent layer reads ${kernel0.shape[0]} features but the Dense layer has ${vocabSize} units: a one-hot model has both equal to the vocabulary size`,
    );
  }
  const limit = charLMLimitProblem(model);
  if (limit !== undefined) bad(where, `it describes a model rnnkit does not load: ${limit}`);
  const keras: KerasLayerWeights[] = recurrent.map((l) => ({
    kernel: of(l, 'kernel'),
    recurrentKernel: of(l, 'recurrent_kernel'),
    bias: of(l, 'bias'),
  }));
  for (const [k, a] of Object.entries(kerasToStateDict(recurrentConfigOf(model), keras, gru)))
    params[`rnn.${k}`] = a;
  params['fc.weight'] = transposeNamedArray(fcKernel);
  params['fc.bias'] = of(head, 'bias');
  checkCharLMParams(model, params, where);
  const meta = (modelJson.userDefinedMetadata as { rnnkit?: unknown } | undefined)?.rnnkit;
  if (meta === undefined) return { model, params };
  const side = readSidecar(meta);
  const differs = (Object.keys(model) as (keyof typeof model)[]).filter(
    // A one-hot model's embeddingDim is unused: keep the one the exporter recorded.
    (k) => side.model[k] !== model[k] && !(k === 'embeddingDim' && model.input === 'onehot'),
  );
  if (differs.length > 0) {
    bad(
      where,
      `its userDefinedMetadata.rnnkit config disagrees with its layers on ${differs.join(', ')}`,
    );
  }
  const tokenizer = side.tokenizer ?? undefined;
  const full = { ...model, embeddingDim: side.model.embeddingDim };
  return tokenizer ? { model: full, params, tokenizer } : { model: full, params };
}

function checkRecurrent(layer: LayerJson, cell: CellType, where: string): KerasGruVariant {
  const c = layer.config;
  const name = String(c.name);
  if (CELLS[layer.class_name] !== cell)
    bad(
      where,
      `layer ${name} is ${layer.class_name}; every recurrent layer must be a ${KERAS_CLASS[cell]}`,
    );
  const problems: string[] = [];
  if (c.return_sequences !== true) problems.push('return_sequences must be true');
  if (c.go_backwards === true) problems.push('go_backwards is not supported');
  if ((c.activation ?? 'tanh') !== 'tanh')
    problems.push(`activation is ${String(c.activation)}, rnnkit uses tanh`);
  if (cell !== 'rnn' && c.recurrent_activation !== 'sigmoid') {
    problems.push(
      `recurrent_activation is ${String(c.recurrent_activation ?? 'hard_sigmoid (the tfjs-layers default)')}; rnnkit gates use the logistic sigmoid: retrain with recurrentActivation 'sigmoid'`,
    );
  }
  if (c.use_bias === false) problems.push('use_bias must be true');
  if (problems.length > 0) bad(where, `layer ${name}: ${problems.join('; ')}`);
  return c.reset_after === true ? 'reset-after' : 'reset-before';
}

/** The recurrent layers' units and the Dense layer's units within CHAR_LM_LIMITS. */
function checkSizesBeforeDecoding(layers: LayerJson[], where: string): void {
  if (layers.length > CHAR_LM_LIMITS.maxNumLayers + 2) {
    bad(
      where,
      `it has ${layers.length} layers, more than the ${CHAR_LM_LIMITS.maxNumLayers} recurrent layers rnnkit loads`,
    );
  }
  for (const layer of layers) {
    const c =
      (layer.class_name === 'TimeDistributed'
        ? (layer.config.layer as LayerJson | undefined)?.config
        : layer.config) ?? {};
    const units = c.units;
    if (units === undefined) continue;
    const max = Math.max(CHAR_LM_LIMITS.maxHiddenSize, CHAR_LM_LIMITS.maxVocabSize);
    if (!Number.isSafeInteger(units) || (units as number) < 1 || (units as number) > max) {
      bad(
        where,
        `layer ${String(c.name).slice(0, 100)} has units ${JSON.stringify(units)?.slice(0, 50)}, not a size rnnkit loads`,
      );
    }
  }
}

function decode(
  manifest: { weights: { name: string; shape: number[]; dtype: 'float32' }[] }[],
  weightData: ArrayBuffer,
  where: string,
): NamedArrays {
  const specs = manifest.flatMap((g) => g.weights);
  const bytes = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (bytes !== weightData.byteLength) {
    bad(
      where,
      `its weightsManifest describes ${bytes} bytes of float32 weights but the weights files hold ${weightData.byteLength}`,
    );
  }
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(weightData, specs);
  } catch (error) {
    bad(where, `its weights do not match its weightsManifest (${(error as Error).message})`);
  }
  const out: NamedArrays = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
  }
  tf.dispose(Object.values(tensors));
  return out;
}

function bad(where: string, what: string): never {
  throw new ModelFileError(`Cannot import ${where}: ${what}.`);
}
