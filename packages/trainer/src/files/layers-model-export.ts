import {
  KerasLayoutError,
  type NamedArray,
  stateDictToKeras,
  transposeNamedArray,
} from '@rnnkit/cells';
import type { io } from '@tensorflow/tfjs-core';
import { checkCharLMParams, recurrentConfigOf } from './char-lm-shapes.js';
import { denseLayer, embeddingLayer, recurrentLayer } from './layers-topology.js';
import type { PortableCharLM } from './portable-char-lm.js';
import { SIDECAR_FORMAT, SIDECAR_VERSION } from './safetensors-char-lm.js';

/** A tfjs-layers model as files hold it: `model.json` and the weights file it names. */
export interface LayersModelFiles {
  modelJson: io.ModelJSON;
  weightData: ArrayBuffer;
}

/**
 * Exports a model as a tfjs-layers `Sequential` model (`model.json` + one weights file) that
 * `tf.loadLayersModel` loads and that computes the same logits: `[Embedding] → SimpleRNN |
 * LSTM | GRU (× numLayers, returnSequences, recurrentActivation 'sigmoid') → Dense`. One-hot
 * models take float one-hot input `[B, T, V]`; embedding models take ids `[B, T]`. The config
 * and tokenizer travel in `userDefinedMetadata.rnnkit`.
 *
 * GRU: tfjs-layers has only the reset-before GRU, equal to rnnkit's (reset-after) only when
 * each layer's recurrent n block is diagonal with zero bias; any other GRU throws
 * `KerasLayoutError`, unless `resetAfterGru: 'keep'`: then it is written as Keras TF2's
 * `reset_after: true` GRU (bias `[2, 3H]`), exact, which Keras and rnnkit load but
 * `tf.loadLayersModel` cannot.
 * `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras` turns the
 * result into a Keras HDF5 model.
 *
 * @example
 * ```ts
 * const { modelJson, weightData } = charLMToLayersModel(portableCharLM(model, tokenizer));
 * writeFileSync('out/model.json', JSON.stringify(modelJson));
 * writeFileSync('out/weights.bin', new Uint8Array(weightData));
 * ```
 */
export function charLMToLayersModel(
  p: PortableCharLM,
  options: { weightsPath?: string; resetAfterGru?: 'error' | 'keep' } = {},
): LayersModelFiles {
  const { model: config, params } = p;
  checkCharLMParams(config, params, 'the model');
  const { cell, hiddenSize: h, numLayers, vocabSize: v } = config;
  const strip = Object.fromEntries(
    Object.entries(params)
      .filter(([k]) => k.startsWith('rnn.'))
      .map(([k, a]) => [k.slice(4), a]),
  );
  let resetAfter = false;
  let keras: ReturnType<typeof stateDictToKeras>;
  try {
    keras = stateDictToKeras(recurrentConfigOf(config), strip, 'reset-before');
  } catch (error) {
    if (!(error instanceof KerasLayoutError) || cell !== 'gru') throw error;
    if (options.resetAfterGru !== 'keep') {
      throw new KerasLayoutError(
        `${error.message} To write it anyway as a Keras TF2 reset_after=True GRU (exact; Keras and rnnkit load it, tf.loadLayersModel cannot), pass resetAfterGru: 'keep'.`,
      );
    }
    keras = stateDictToKeras(recurrentConfigOf(config), strip, 'reset-after');
    resetAfter = true;
  }
  const layers: unknown[] = [];
  const weights: [string, NamedArray][] = [];
  if (config.input === 'embedding') {
    layers.push(embeddingLayer('embedding', v, config.embeddingDim));
    weights.push(['embedding/embeddings', params['embedding.weight'] as NamedArray]);
  }
  keras.forEach((w, l) => {
    const name = `rnn_l${l}`;
    const layer = recurrentLayer(
      name,
      cell,
      h,
      l === 0 && config.input === 'onehot' ? v : undefined,
    );
    if (resetAfter) (layer.config as Record<string, unknown>).reset_after = true;
    layers.push(layer);
    weights.push([`${name}/kernel`, w.kernel], [`${name}/recurrent_kernel`, w.recurrentKernel]);
    weights.push([`${name}/bias`, w.bias]);
  });
  layers.push(denseLayer('fc', v));
  const fc = params['fc.weight'] as NamedArray;
  weights.push(
    ['fc/kernel', transposeNamedArray(fc)],
    ['fc/bias', params['fc.bias'] as NamedArray],
  );

  const size = weights.reduce((n, [, a]) => n + a.data.length, 0);
  const data = new Float32Array(size);
  let at = 0;
  for (const [, a] of weights) {
    data.set(a.data, at);
    at += a.data.length;
  }
  const rnnkit = {
    format: SIDECAR_FORMAT,
    version: SIDECAR_VERSION,
    model: config,
    tokenizer: p.tokenizer ?? null,
  };
  const modelJson: io.ModelJSON = {
    modelTopology: {
      class_name: 'Sequential',
      config: { name: `rnnkit_char_lm_${cell}_${numLayers}x${h}`, layers },
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
    userDefinedMetadata: { rnnkit },
  };
  return { modelJson, weightData: data.buffer };
}
