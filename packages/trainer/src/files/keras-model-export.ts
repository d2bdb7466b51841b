// A model loaded with loadKerasModel, written back as a tfjs-layers Sequential model.json +
// weights with its current (possibly retrained) weights: the inverse of readKerasModel.
import {
  type Activation,
  bidirectionalParams,
  type NamedArray,
  type NamedArrays,
  paramsStateDict,
  recurrentStateDict,
  stateDictToKeras,
  transposeNamedArray,
} from '@rnnkit/cells';
import type * as tf from '@tensorflow/tfjs-core';
import { ModelFileError } from '../errors.js';
import type { KerasModel } from './keras-model.js';
import type { KerasRecurrentSpec } from './keras-model-spec.js';
import type { LayersModelFiles } from './layers-model-export.js';
import { KERAS_CLASS } from './layers-topology.js';

export interface KerasExportOptions {
  /** The file name the manifest gives the weights. Default `'weights.bin'`. */
  weightsPath?: string;
  /**
   * A reset-after GRU (Keras TF2's default, `reset_after=True`) has no tfjs-layers form:
   * `'error'` (default) refuses it; `'keep'` writes it with `reset_after: true` and its
   * `[2, 3H]` bias — a file Keras TF2/3 loads (through `tensorflowjs_converter
   * --input_format tfjs_layers_model --output_format keras`) and `loadKerasModel` reads back,
   * but `tf.loadLayersModel` cannot — and says so in `notes`.
   */
  resetAfterGru?: 'error' | 'keep';
}

/** The files, and what a reader of them should know (e.g. a GRU tfjs-layers cannot load). */
export interface KerasExport extends LayersModelFiles {
  notes: string[];
}

// rnnkit's activation names as tfjs-layers writes them; Keras 3's x/6 + 0.5 has none.
const TFJS_ACTIVATION: Record<string, string | undefined> = {
  tanh: 'tanh',
  relu: 'relu',
  linear: 'linear',
  sigmoid: 'sigmoid',
  hardSigmoid: 'hardSigmoid',
  softmax: 'softmax',
};

/**
 * Writes a model loaded with `loadKerasModel` as a tfjs-layers `Sequential` model that
 * `tf.loadLayersModel` loads and whose `predict` gives what `predictKerasModel` gives:
 * Embedding (`mask_zero`), Masking, SimpleRNN / LSTM / GRU (activations, go_backwards,
 * return_sequences), Bidirectional (every merge mode) and Dense (a TimeDistributed(Dense) is
 * written as Dense, which tfjs-layers applies per step), with the variables' current values.
 * Refused with `ModelFileError`: Keras 3's hard sigmoid (`x/6 + 0.5`, which tfjs-layers lacks),
 * and a reset-after GRU unless `resetAfterGru: 'keep'` (see {@link KerasExportOptions}).
 * A Keras `stateful` layer is written stateless (tfjs-layers needs a fixed batch for it).
 *
 * @example
 * ```ts
 * const model = loadKerasModel(files);
 * const { modelJson, weightData } = kerasModelToLayersModel(model);
 * const net = await tf.loadLayersModel(tf.io.fromMemory({ ...modelJson, weightData, weightSpecs }));
 * ```
 */
export function kerasModelToLayersModel(
  model: KerasModel,
  options: KerasExportOptions = {},
): KerasExport {
  const layers: unknown[] = [];
  const weights: [string, NamedArray][] = [];
  const notes: string[] = [];
  const keepResetAfter = options.resetAfterGru === 'keep';
  const first = model.parts[0]?.spec;
  // The first recurrent layer's input width, for a Masking layer that opens the model.
  const width = model.spec.layers.find((l) => l.kind === 'recurrent' || l.kind === 'bidirectional');
  const featureWidth =
    width?.kind === 'recurrent'
      ? width.inputSize
      : width?.kind === 'bidirectional'
        ? width.forward.inputSize
        : 0;
  // Two outputs (a final Bidirectional with merge none) do not fit a Sequential model: then
  // a functional model of one chain, starting at an InputLayer.
  const last = model.spec.layers.at(-1);
  const functional = last?.kind === 'bidirectional' && last.merge === 'none';
  const batchInputShape = model.spec.input === 'ids' ? [null, null] : [null, null, featureWidth];
  const inputShape = (name: string) =>
    name === first?.name && !functional
      ? {
          batch_input_shape: model.spec.input === 'ids' ? [null, null] : [null, null, featureWidth],
        }
      : {};

  // `dict`: one layer's weights under their `_l0` state-dict names.
  const recurrentJson = (r: KerasRecurrentSpec, dict: NamedArrays, label: string) => {
    const activation = tfjsActivation(r.activation, `layer ${label} activation`);
    const recurrentActivation = tfjsActivation(
      r.recurrentActivation,
      `layer ${label} recurrent_activation`,
    );
    if (r.cell === 'gru' && r.resetAfter) {
      const what =
        `layer ${label} is a reset-after GRU (Keras reset_after=True): tfjs-layers has only the ` +
        'reset-before GRU and cannot load it; Keras TF2/3 can';
      if (!keepResetAfter) {
        throw new ModelFileError(
          `Cannot export to tfjs-layers: ${what}. Pass resetAfterGru: 'keep' to write it for Keras.`,
        );
      }
      notes.push(`${what} (convert with tensorflowjs_converter --output_format keras).`);
    }
    const keras = stateDictToKeras(
      {
        cell: r.cell,
        inputSize: r.inputSize,
        hiddenSize: r.units,
        numLayers: 1,
        resetAfter: r.resetAfter,
      },
      dict,
      r.resetAfter ? 'reset-after' : 'reset-before',
    )[0];
    const json = {
      class_name: KERAS_CLASS[r.cell],
      config: {
        name: r.name,
        trainable: true,
        dtype: 'float32',
        units: r.units,
        activation,
        ...(r.cell === 'rnn' ? {} : { recurrent_activation: recurrentActivation }),
        use_bias: true,
        ...(r.cell === 'lstm' ? { unit_forget_bias: false } : {}),
        dropout: 0,
        recurrent_dropout: 0,
        ...(r.cell === 'rnn' ? {} : { implementation: r.cell === 'gru' && r.resetAfter ? 2 : 1 }),
        ...(r.cell === 'gru' ? { reset_after: r.resetAfter } : {}),
        return_sequences: r.returnSequences,
        return_state: false,
        go_backwards: r.goBackwards,
        stateful: false,
        unroll: false,
      },
    };
    return { json, keras: keras as NonNullable<typeof keras> };
  };
  const pushRecurrent = (prefix: string, k: ReturnType<typeof recurrentJson>['keras']) => {
    weights.push([`${prefix}/kernel`, k.kernel], [`${prefix}/recurrent_kernel`, k.recurrentKernel]);
    weights.push([`${prefix}/bias`, k.bias]);
  };

  for (const part of model.parts) {
    const s = part.spec;
    if ('emb' in part) {
      const [v, d] = part.emb.weight.shape as [number, number];
      layers.push({
        class_name: 'Embedding',
        config: {
          name: s.name,
          trainable: true,
          ...inputShape(s.name),
          dtype: 'float32',
          input_dim: v,
          output_dim: d,
          mask_zero: part.spec.maskZero,
          input_length: null,
        },
      });
      weights.push([`${s.name}/embeddings`, arrays({ w: part.emb.weight }).w as NamedArray]);
    } else if (s.kind === 'masking') {
      layers.push({
        class_name: 'Masking',
        config: {
          name: s.name,
          trainable: true,
          ...inputShape(s.name),
          dtype: 'float32',
          mask_value: s.maskValue,
        },
      });
    } else if ('rec' in part) {
      const label = `${s.name} (${KERAS_CLASS[part.spec.cell]})`;
      const r = recurrentJson(part.spec, recurrentStateDict(part.rec), label);
      layers.push({ ...r.json, config: { ...r.json.config, ...inputShape(s.name) } });
      pushRecurrent(s.name, r.keras);
    } else if ('bi' in part) {
      const b = part.spec;
      const all = arrays(bidirectionalParams(part.bi));
      const dir = (suffix: string) =>
        Object.fromEntries(
          Object.entries(all)
            .filter(([k]) => k.endsWith(`_l0${suffix}`))
            // '' must not take the _reverse names too.
            .filter(([k]) => suffix !== '' || !k.endsWith('_reverse'))
            .map(([k, a]) => [k.replace(suffix, ''), a]),
        );
      const label = `${s.name} (Bidirectional ${KERAS_CLASS[b.forward.cell]} ${b.forward.name})`;
      const f = recurrentJson(b.forward, dir(''), label);
      const bw = recurrentJson(b.backward, dir('_reverse'), label);
      layers.push({
        class_name: 'Bidirectional',
        config: {
          name: s.name,
          trainable: true,
          ...inputShape(s.name),
          layer: f.json,
          merge_mode: b.merge === 'none' ? null : b.merge === 'mean' ? 'ave' : b.merge,
        },
      });
      pushRecurrent(`${s.name}/forward_${b.forward.name}`, f.keras);
      pushRecurrent(`${s.name}/backward_${b.forward.name}`, bw.keras);
    } else if ('lin' in part) {
      const d = part.spec;
      const w = arrays({ weight: part.lin.weight, bias: part.lin.bias });
      const [units] = (w.weight as NamedArray).shape as [number];
      layers.push({
        class_name: 'Dense',
        config: {
          name: s.name,
          trainable: true,
          units,
          activation: tfjsActivation(d.activation, `layer ${s.name} (Dense) activation`),
          use_bias: true,
        },
      });
      weights.push([`${s.name}/kernel`, transposeNamedArray(w.weight as NamedArray)]);
      weights.push([`${s.name}/bias`, w.bias as NamedArray]);
    }
  }

  const data = new Float32Array(weights.reduce((n, [, a]) => n + a.data.length, 0));
  let at = 0;
  for (const [, a] of weights) {
    data.set(a.data, at);
    at += a.data.length;
  }
  const modelJson: tf.io.ModelJSON = {
    modelTopology: {
      ...(functional
        ? { class_name: 'Model', config: functionalConfig(layers, batchInputShape) }
        : { class_name: 'Sequential', config: { name: 'rnnkit_keras_export', layers } }),
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    format: 'layers-model',
    generatedBy: 'rnnkit',
    convertedBy: null,
    weightsManifest: [
      {
        paths: [options.weightsPath ?? 'weights.bin'],
        weights: weights.map(([name, a]) => ({ name, shape: a.shape, dtype: 'float32' as const })),
      },
    ],
  };
  return { modelJson, weightData: data.buffer, notes };
}

/** The layers as a functional model: input → each layer in turn → the last one's outputs. */
function functionalConfig(layers: unknown[], batchInputShape: (number | null)[]) {
  const input = {
    name: 'input',
    class_name: 'InputLayer',
    config: { name: 'input', batch_input_shape: batchInputShape, dtype: 'float32', sparse: false },
    inbound_nodes: [],
  };
  let prev = 'input';
  const chained = layers.map((layer) => {
    const l = layer as { class_name: string; config: { name: string } };
    const node = { ...l, name: l.config.name, inbound_nodes: [[[prev, 0, 0, {}]]] };
    prev = l.config.name;
    return node;
  });
  return {
    name: 'rnnkit_keras_export',
    layers: [input, ...chained],
    input_layers: [['input', 0, 0]],
    output_layers: [
      [prev, 0, 0],
      [prev, 0, 1],
    ],
  };
}

function tfjsActivation(name: Activation | 'softmax', what: string): string {
  const found = TFJS_ACTIVATION[name];
  if (found == null) {
    throw new ModelFileError(
      `Cannot export to tfjs-layers: ${what} is Keras 3's hard sigmoid (x/6 + 0.5), which tfjs-layers does not have; its 'hardSigmoid' is Keras 2's 0.2x + 0.5.`,
    );
  }
  return found;
}

/** Variables' values as named arrays (one readback each; export is not a hot path). */
function arrays(vars: Record<string, tf.Variable>): NamedArrays {
  return paramsStateDict(vars);
}
