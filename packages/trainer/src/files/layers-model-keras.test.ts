// Keras TF2 models as tensorflowjs_converter writes them: GRU(reset_after=True) with its
// [2, 3H] bias and cell-scoped weight names, TimeDistributed(Dense), an InputLayer first.
import { initBackend } from '@rnnkit/backend';
import { type NamedArray, stateDictToKeras, transposeNamedArray } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { charLMLogits, createCharLM, disposeCharLM } from '../models/char-lm.js';
import { recurrentConfigOf } from './char-lm-shapes.js';
import { charLMFromLayersModel } from './layers-model-import.js';
import { denseLayer, recurrentLayer } from './layers-topology.js';
import { charLMFromPortable, portableCharLM } from './portable-char-lm.js';

describe('import of converted Keras TF2 models', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('reads GRU(reset_after=True) layers exactly', () => {
    const model = createCharLM(
      { vocabSize: 5, cell: 'gru', hiddenSize: 4, numLayers: 2 },
      { seed: 6, init: 'pytorch' },
    );
    const p = portableCharLM(model);
    const rnn = Object.fromEntries(
      Object.entries(p.params)
        .filter(([k]) => k.startsWith('rnn.'))
        .map(([k, a]) => [k.slice(4), a]),
    );
    const keras = stateDictToKeras(recurrentConfigOf(p.model), rnn, 'reset-after');
    const weights: [string, NamedArray][] = [];
    const layers: unknown[] = [
      { class_name: 'InputLayer', config: { name: 'chars', batch_input_shape: [null, null, 5] } },
    ];
    keras.forEach((w, l) => {
      const name = l === 0 ? 'gru' : `gru_${l}`;
      const layer = recurrentLayer(name, 'gru', 4, l === 0 ? 5 : undefined);
      layers.push({ ...layer, config: { ...layer.config, reset_after: true } });
      weights.push(
        [`${name}/gru_cell/kernel`, w.kernel],
        [`${name}/gru_cell/recurrent_kernel`, w.recurrentKernel],
      );
      weights.push([`${name}/gru_cell/bias`, w.bias]);
    });
    layers.push({
      class_name: 'TimeDistributed',
      config: { name: 'time_distributed', layer: denseLayer('dense', 5) },
    });
    weights.push([
      'time_distributed/kernel',
      transposeNamedArray(p.params['fc.weight'] as NamedArray),
    ]);
    weights.push(['time_distributed/bias', p.params['fc.bias'] as NamedArray]);
    const data = new Float32Array(weights.reduce((n, [, a]) => n + a.data.length, 0));
    let at = 0;
    for (const [, a] of weights) {
      data.set(a.data, at);
      at += a.data.length;
    }
    const files = {
      modelJson: {
        modelTopology: { class_name: 'Sequential', config: { name: 'keras', layers } },
        weightsManifest: [
          {
            paths: ['group1-shard1of1.bin'],
            weights: weights.map(([name, a]) => ({
              name,
              shape: a.shape,
              dtype: 'float32' as const,
            })),
          },
        ],
      },
      weightData: data.buffer,
    };
    const back = charLMFromPortable(charLMFromLayersModel(files)).model;
    expect(back.config).toEqual({ ...model.config, embeddingDim: 4 });
    const ids = tf.tensor2d([[0, 1, 2, 3, 4, 0]], undefined, 'int32');
    const d = tf.tidy(
      () =>
        tf
          .max(tf.abs(tf.sub(charLMLogits(back, ids).logits, charLMLogits(model, ids).logits)))
          .dataSync()[0],
    );
    expect(d).toBeLessThan(1e-6);
    tf.dispose(ids);
    disposeCharLM(model);
    disposeCharLM(back);
  });
});
