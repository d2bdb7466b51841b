// What a tfjs-layers or tensorflowjs_converter model.json describes, read into plain data with
// every weight already in rnnkit's (PyTorch) layout, or refused naming the layer and option.
// Pure: no tensors are created here beyond decoding the weights file.
import {
  type Activation,
  type CellType,
  type KerasLayerWeights,
  kerasToStateDict,
  type NamedArray,
  type NamedArrays,
  transposeNamedArray,
} from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from '../errors.js';
import type { LayersModelFiles } from './layers-model-export.js';
import { readLayersManifest } from './layers-model-schema.js';

/** One recurrent layer (or one direction of a Bidirectional), weights in PyTorch layout `_l0`. */
export interface KerasRecurrentSpec {
  cell: CellType;
  name: string;
  units: number;
  inputSize: number;
  activation: Activation;
  recurrentActivation: Activation;
  /** GRU only: Keras `reset_after` (tfjs-layers has only `false`). */
  resetAfter: boolean;
  returnSequences: boolean;
  goBackwards: boolean;
  stateful: boolean;
  weights: NamedArrays; // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
}

export type KerasMerge = 'concat' | 'sum' | 'mean' | 'mul' | 'none';

export type KerasLayerSpec =
  | { kind: 'embedding'; name: string; maskZero: boolean; weight: NamedArray /* [V, D] */ }
  | { kind: 'masking'; name: string; maskValue: number }
  | ({ kind: 'recurrent' } & KerasRecurrentSpec)
  | {
      kind: 'bidirectional';
      name: string;
      merge: KerasMerge;
      forward: KerasRecurrentSpec;
      backward: KerasRecurrentSpec;
    }
  | {
      kind: 'dense';
      name: string;
      activation: DenseActivation;
      weight: NamedArray; // [out, in], PyTorch nn.Linear layout
      bias: NamedArray | undefined;
    };

export type DenseActivation = Activation | 'softmax';

/** A Keras model rnnkit can run: a chain of layers from one input to one output. */
export interface KerasModelSpec {
  /** Which Keras wrote the file: decides what `hard_sigmoid` means. */
  producer: 'tfjs-layers' | 'keras2' | 'keras3';
  /** `[B, T, F]` features, or `[B, T]` ids when the first layer is an Embedding. */
  input: 'features' | 'ids';
  layers: KerasLayerSpec[];
}

type LayerJson = { class_name: string; config: Record<string, unknown>; inbound_nodes?: unknown };

const RECURRENT: Record<string, CellType> = { SimpleRNN: 'rnn', LSTM: 'lstm', GRU: 'gru' };
const GATES: Record<CellType, number> = { rnn: 1, lstm: 4, gru: 3 };
const MERGES: Record<string, KerasMerge> = {
  concat: 'concat',
  sum: 'sum',
  ave: 'mean',
  mul: 'mul',
};
const SUPPORTED =
  'SimpleRNN, LSTM, GRU, Bidirectional, Embedding, Masking, Dense, TimeDistributed(Dense)';

/**
 * Reads a tfjs-layers `model.json` (saved by tfjs-layers, or converted from Keras 2 or 3 by
 * `tensorflowjs_converter`) into a {@link KerasModelSpec}: layers SimpleRNN, LSTM, GRU (either
 * reset form), Bidirectional (merge concat, sum, ave, mul, none), Embedding (`mask_zero`
 * too), Masking, Dense and TimeDistributed(Dense), Sequential or a single-chain functional
 * model. `hard_sigmoid` means Keras 2's `0.2x + 0.5` in tfjs-layers and Keras 2 files and
 * Keras 3's `x/6 + 0.5` in Keras 3 files (told by `keras_version`). Anything else throws
 * `ModelFileError` naming the layer and the option.
 *
 * @example
 * ```ts
 * const spec = readKerasModel({ modelJson, weightData });
 * spec.layers.map((l) => l.kind); // ['masking', 'bidirectional', 'dense']
 * ```
 */
export function readKerasModel(files: LayersModelFiles, where = 'model.json'): KerasModelSpec {
  const { modelJson, weightData } = files;
  const topology = modelJson.modelTopology as
    | { class_name?: string; config?: unknown; keras_version?: unknown; model_config?: unknown }
    | undefined;
  // tensorflowjs_converter nests the Keras model under model_config.
  const model = (topology?.model_config ?? topology) as
    | { class_name?: string; config?: unknown }
    | undefined;
  const version = String(topology?.keras_version ?? '');
  const producer = version.startsWith('tfjs')
    ? 'tfjs-layers'
    : version.startsWith('3')
      ? 'keras3'
      : 'keras2';
  const layers = chain(model, where);
  const weights = decode(modelJson, weightData, where);
  const specs: KerasLayerSpec[] = [];
  let width: number | undefined = inputWidth(layers[0]);
  let input: KerasModelSpec['input'] = 'features';
  layers.forEach((layer, index) => {
    const name = String(layer.config.name ?? `#${index}`);
    const own = (prefix: string) => ownWeights(weights, prefix);
    switch (layer.class_name) {
      case 'InputLayer':
        return;
      case 'Embedding': {
        if (specs.length > 0) bad(where, `layer ${name} (Embedding) must come first`);
        const w = pick(own(name), 'embeddings', name, where);
        input = 'ids';
        width = w.shape[1];
        specs.push({
          kind: 'embedding',
          name,
          maskZero: layer.config.mask_zero === true,
          weight: w,
        });
        return;
      }
      case 'Masking':
        specs.push({ kind: 'masking', name, maskValue: Number(layer.config.mask_value ?? 0) });
        return;
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        const spec = recurrent(layer, own(name), width, producer, where);
        specs.push({ kind: 'recurrent', ...spec });
        width = spec.units;
        return;
      }
      case 'Bidirectional': {
        const inner = layer.config.layer as LayerJson | undefined;
        const merge =
          layer.config.merge_mode == null ? 'none' : MERGES[String(layer.config.merge_mode)];
        if (!merge) {
          bad(
            where,
            `layer ${name} (Bidirectional): merge_mode ${JSON.stringify(layer.config.merge_mode)} is not one of concat, sum, ave, mul, null`,
          );
        }
        if (!inner || !(inner.class_name in RECURRENT)) {
          bad(
            where,
            `layer ${name} (Bidirectional) wraps ${inner?.class_name ?? 'nothing'}, not SimpleRNN, LSTM or GRU`,
          );
        }
        if (layer.config.backward_layer != null) {
          bad(where, `layer ${name} (Bidirectional): a separate backward_layer is not supported`);
        }
        const all = own(name);
        const dir = (d: 'forward' | 'backward') =>
          Object.fromEntries(Object.entries(all).filter(([k]) => k.includes(`${d}_`)));
        const forward = recurrent(inner, dir('forward'), width, producer, where, name);
        const backward = recurrent(inner, dir('backward'), width, producer, where, name);
        if (merge === 'none' && index !== layers.length - 1) {
          bad(
            where,
            `layer ${name} (Bidirectional): merge_mode null returns two sequences, so it must be the last layer`,
          );
        }
        specs.push({ kind: 'bidirectional', name, merge, forward, backward });
        width = merge === 'concat' ? 2 * forward.units : forward.units;
        return;
      }
      case 'Dense':
      case 'TimeDistributed': {
        const dense = layer.class_name === 'Dense' ? layer : (layer.config.layer as LayerJson);
        if (dense?.class_name !== 'Dense') {
          bad(
            where,
            `layer ${name} (TimeDistributed) wraps ${dense?.class_name ?? 'nothing'}; rnnkit imports TimeDistributed(Dense) only`,
          );
        }
        const activation = denseActivation(
          dense.config.activation,
          producer,
          `${name} (Dense)`,
          where,
        );
        const w = own(name);
        const kernel = pick(w, 'kernel', name, where);
        if (width !== undefined && kernel.shape[0] !== width) {
          bad(
            where,
            `layer ${name} (Dense) reads ${kernel.shape[0]} features but the layer before gives ${width}`,
          );
        }
        const bias = dense.config.use_bias === false ? undefined : pick(w, 'bias', name, where);
        specs.push({ kind: 'dense', name, activation, weight: transposeNamedArray(kernel), bias });
        width = kernel.shape[1];
        return;
      }
      default:
        bad(where, `layer ${name} is a ${layer.class_name}; rnnkit imports ${SUPPORTED}`);
    }
  });
  if (!specs.some((s) => s.kind === 'recurrent' || s.kind === 'bidirectional')) {
    bad(where, `it has no recurrent layer; rnnkit imports ${SUPPORTED}`);
  }
  return { producer, input, layers: specs };
}

/** The layers in order, from a Sequential model or a functional model that is one chain. */
function chain(
  model: { class_name?: string; config?: unknown } | undefined,
  where: string,
): LayerJson[] {
  const raw = model?.config as { layers?: LayerJson[] } | LayerJson[] | undefined;
  const layers = Array.isArray(raw) ? raw : raw?.layers;
  if (!Array.isArray(layers)) bad(where, 'its modelTopology holds no layers');
  if (model?.class_name === 'Sequential') return layers;
  if (model?.class_name !== 'Model' && model?.class_name !== 'Functional') {
    bad(
      where,
      `its model is a ${model?.class_name ?? 'missing class'}, not Sequential or a functional Model`,
    );
  }
  // A functional model is accepted when every layer reads exactly the one before it.
  layers.forEach((layer, i) => {
    const inbound = JSON.stringify(layer.inbound_nodes ?? []);
    const prev = layers[i - 1]?.config.name;
    const reads = [...inbound.matchAll(/"([^"]+)",\s*\d+,\s*\d+/g)].map((m) => m[1]);
    const named = [...inbound.matchAll(/"keras_history":\s*\["([^"]+)"/g)].map((m) => m[1]);
    const sources = [...new Set([...reads, ...named])];
    const ok = i === 0 ? sources.length === 0 : sources.length === 1 && sources[0] === prev;
    if (!ok) {
      bad(
        where,
        `layer ${String(layer.config.name)} does not simply read the layer before it; rnnkit imports models that are one chain of layers`,
      );
    }
  });
  return layers;
}

function inputWidth(first: LayerJson | undefined): number | undefined {
  const shape = (first?.config.batch_input_shape ?? first?.config.batch_shape) as
    | (number | null)[]
    | undefined;
  const last = shape?.at(-1);
  return typeof last === 'number' && shape && shape.length === 3 ? last : undefined;
}

const ACTIVATIONS: Record<string, Activation> = {
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  relu: 'relu',
  linear: 'linear',
  hardSigmoid: 'hardSigmoid',
};

/** A Keras activation name as rnnkit's, `hard_sigmoid` by who wrote the file. */
function activationOf(
  value: unknown,
  producer: KerasModelSpec['producer'],
  what: string,
  where: string,
): Activation {
  const name = value == null ? 'linear' : String(value);
  if (name === 'hard_sigmoid') return producer === 'keras3' ? 'hardSigmoidKeras3' : 'hardSigmoid';
  const found = ACTIVATIONS[name];
  if (!found) {
    bad(
      where,
      `${what} is '${name}'; rnnkit's recurrent layers take tanh, sigmoid, relu, linear and hard_sigmoid`,
    );
  }
  return found;
}

function denseActivation(
  value: unknown,
  producer: KerasModelSpec['producer'],
  what: string,
  where: string,
): DenseActivation {
  return value === 'softmax'
    ? 'softmax'
    : activationOf(value, producer, `layer ${what} activation`, where);
}

function recurrent(
  layer: LayerJson,
  weights: NamedArrays,
  width: number | undefined,
  producer: KerasModelSpec['producer'],
  where: string,
  outer?: string,
): KerasRecurrentSpec {
  const c = layer.config;
  const cell = RECURRENT[layer.class_name] as CellType;
  const name = String(c.name);
  const label = outer
    ? `${outer} (Bidirectional ${layer.class_name} ${name})`
    : `${name} (${layer.class_name})`;
  const problems: string[] = [];
  if (c.return_state === true) problems.push('return_state is not supported in a chain of layers');
  if (c.time_major === true) problems.push('time_major is not supported; use batch-major input');
  for (const key of ['dropout', 'recurrent_dropout'] as const) {
    // Dropout only acts in training; predictions (what rnnkit imports) never apply it.
    if (typeof c[key] === 'number' && (c[key] as number) < 0) problems.push(`${key} must be >= 0`);
  }
  if (problems.length > 0) bad(where, `layer ${label}: ${problems.join('; ')}`);
  const activation = activationOf(
    c.activation ?? 'tanh',
    producer,
    `layer ${label} activation`,
    where,
  );
  const recurrentActivation =
    cell === 'rnn'
      ? 'sigmoid'
      : activationOf(
          c.recurrent_activation ?? (producer === 'keras3' ? 'sigmoid' : 'hard_sigmoid'),
          producer,
          `layer ${label} recurrent_activation`,
          where,
        );
  // Keras 3 and TF2's GRU default to reset_after=True; tfjs-layers has only reset-before.
  const resetAfter = cell === 'gru' && (c.reset_after ?? producer !== 'tfjs-layers') === true;
  const units = Number(c.units);
  const kernel = pick(weights, 'kernel', label, where);
  const recurrentKernel = pick(weights, 'recurrent_kernel', label, where);
  const g = GATES[cell];
  const inputSize = kernel.shape[0] ?? 0;
  if (width !== undefined && inputSize !== width) {
    bad(where, `layer ${label} reads ${inputSize} features but the layer before gives ${width}`);
  }
  const biasShape = cell === 'gru' && resetAfter ? [2, 3 * units] : [g * units];
  const bias =
    c.use_bias === false
      ? { shape: biasShape, data: new Float32Array(biasShape.reduce((a, b) => a * b, 1)) }
      : pick(weights, 'bias', label, where);
  const keras: KerasLayerWeights = { kernel, recurrentKernel, bias };
  let dict: NamedArrays;
  try {
    // Either GRU form maps exactly: rnnkit runs reset-before GRUs as `resetAfter: false`.
    dict = kerasToStateDict(
      { cell, inputSize, hiddenSize: units, numLayers: 1, resetAfter },
      [keras],
      resetAfter ? 'reset-after' : 'reset-before',
    );
  } catch (error) {
    bad(where, `layer ${label}: ${(error as Error).message}`);
  }
  return {
    cell,
    name,
    units,
    inputSize,
    activation,
    recurrentActivation,
    resetAfter,
    returnSequences: c.return_sequences === true,
    goBackwards: c.go_backwards === true,
    stateful: c.stateful === true,
    weights: dict,
  };
}

/** The weights under `prefix/`, keyed by their full names, in manifest order. */
function ownWeights(weights: NamedArrays, prefix: string): NamedArrays {
  return Object.fromEntries(Object.entries(weights).filter(([k]) => k.startsWith(`${prefix}/`)));
}

function pick(weights: NamedArrays, suffix: string, layer: string, where: string): NamedArray {
  const hit = Object.keys(weights).find((k) => k.split('/').at(-1)?.replace(/:0$/, '') === suffix);
  if (!hit) bad(where, `layer ${layer} has no ${suffix} weight in the weightsManifest`);
  return weights[hit] as NamedArray;
}

function decode(
  modelJson: LayersModelFiles['modelJson'],
  weightData: ArrayBuffer,
  where: string,
): NamedArrays {
  // Float32 only, every field typed, the bytes exactly what the manifest describes: a declared
  // int32 over float bytes, or a manifest promising more than the file, never decodes.
  let byteLength: number;
  try {
    byteLength = readLayersManifest(modelJson).byteLength;
  } catch (error) {
    bad(where, (error as Error).message.replace(/\.$/, ''));
  }
  if (byteLength !== weightData.byteLength) {
    bad(
      where,
      `its weightsManifest describes ${byteLength} bytes of float32 weights but the weights hold ${weightData.byteLength}`,
    );
  }
  const specs = (modelJson.weightsManifest ?? []).flatMap((g) => g.weights);
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(weightData, specs);
  } catch (error) {
    bad(where, `its weights do not match its weightsManifest (${(error as Error).message})`);
  }
  const out: NamedArrays = {};
  for (const spec of specs) {
    const t = tensors[spec.name] as tf.Tensor;
    out[spec.name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
  }
  tf.dispose(Object.values(tensors));
  return out;
}

function bad(where: string, what: string): never {
  throw new ModelFileError(`Cannot import ${where}: ${what}.`);
}
