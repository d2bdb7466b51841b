// tfjs-layers export: tf.loadLayersModel reads the files and computes rnnkit's logits; import
// reads them (and tfjs-layers' own models) back; GRUs without an exact reset-before form refuse.
import { initBackend } from '@rnnkit/backend';
import { type CellType, KerasLayoutError } from '@rnnkit/cells';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../errors.js';
import {
  type CharLM,
  charLMLogits,
  charLMParams,
  createCharLM,
  disposeCharLM,
} from '../models/char-lm.js';
import { loadTfjsLayers } from '../test-support/tfjs-layers.js';
import { charLMToLayersModel, type LayersModelFiles } from './layers-model-export.js';
import { charLMFromLayersModel } from './layers-model-import.js';
import { charLMFromPortable, portableCharLM } from './portable-char-lm.js';

const tokenizer = CharTokenizer.fromText('hihello', { order: 'first-seen' });
const IDS = [
  [0, 1, 0, 2, 3, 3, 4],
  [4, 3, 2, 1, 0, 0, 1],
];

/** Loads the files as `tf.loadLayersModel` loads a model.json from disk or a URL. */
async function load(files: LayersModelFiles) {
  const tfl = await loadTfjsLayers();
  const copy = JSON.parse(JSON.stringify(files.modelJson)); // what a file round trip keeps
  return tfl.loadLayersModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(copy, async () => [
        copy.weightsManifest[0].weights,
        files.weightData,
      ]),
  });
}

/** Max |rnnkit logits - tfjs-layers predictions| on the same ids. */
async function agreement(model: CharLM): Promise<number> {
  const layers = await load(charLMToLayersModel(portableCharLM(model, tokenizer)));
  const diff = tf.tidy(() => {
    const ids = tf.tensor2d(IDS, undefined, 'int32');
    const input = model.config.input === 'embedding' ? tf.cast(ids, 'float32') : tf.oneHot(ids, 5);
    const got = layers.predict(tf.cast(input, 'float32')) as tf.Tensor;
    return tf.max(tf.abs(tf.sub(got, charLMLogits(model, ids).logits))).dataSync()[0] as number;
  });
  layers.dispose();
  return diff;
}

describe('tfjs-layers export and import', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  const cases = (['rnn', 'lstm'] as CellType[]).flatMap((cell) =>
    (['onehot', 'embedding'] as const).flatMap((input) =>
      [1, 2].map((numLayers) => ({ cell, input, numLayers })),
    ),
  );
  it.each(cases)(
    '$numLayers-layer $cell ($input): tf.loadLayersModel gives the same logits',
    async (c) => {
      const model = createCharLM(
        { vocabSize: 5, hiddenSize: 6, embeddingDim: 4, ...c },
        { seed: 3, init: 'pytorch' },
      );
      const diff = await agreement(model);
      console.log(
        `rnnkit vs tfjs-layers ${c.numLayers}x${c.cell} ${c.input}: max |diff| ${diff.toExponential(2)}`,
      );
      expect(diff).toBeLessThan(2e-6);
      const back = charLMFromPortable(
        charLMFromLayersModel(charLMToLayersModel(portableCharLM(model, tokenizer))),
      );
      expect(back.model.config).toEqual(model.config);
      expect(back.tokenizer?.vocabulary).toEqual(tokenizer.vocabulary);
      const ids = tf.tensor2d(IDS, undefined, 'int32');
      const [a, b] = [charLMLogits(model, ids).logits, charLMLogits(back.model, ids).logits];
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([ids, a, b]);
      disposeCharLM(model);
      disposeCharLM(back.model);
    },
  );

  it('exports a GRU only when reset-before is exact (diagonal recurrent n block, zero n bias)', async () => {
    const model = createCharLM(
      { vocabSize: 5, cell: 'gru', hiddenSize: 4, numLayers: 2 },
      { seed: 2, init: 'pytorch' },
    );
    expect(() => charLMToLayersModel(portableCharLM(model))).toThrow(KerasLayoutError);
    expect(() => charLMToLayersModel(portableCharLM(model))).toThrow(
      /GRU layer 0 has no exact reset-before form/,
    );
    // Make the n blocks diagonal with zero recurrent n bias: now the mapping is exact.
    const params = charLMParams(model);
    for (const l of [0, 1]) {
      const w = params[`rnn.weight_hh_l${l}`] as tf.Variable;
      const b = params[`rnn.bias_hh_l${l}`] as tf.Variable;
      tf.tidy(() => {
        const keep = tf.concat([tf.ones([8, 4]), tf.eye(4)]);
        w.assign(tf.mul(w, keep));
        b.assign(tf.mul(b, tf.concat([tf.ones([8]), tf.zeros([4])])));
      });
    }
    const diff = await agreement(model);
    console.log(
      `rnnkit vs tfjs-layers 2xgru (diagonal n block): max |diff| ${diff.toExponential(2)}`,
    );
    expect(diff).toBeLessThan(2e-6);
    disposeCharLM(model);
  });

  it('writes any GRU as Keras reset_after=True with resetAfterGru: keep, and reads it back exactly', () => {
    const model = createCharLM(
      { vocabSize: 5, cell: 'gru', hiddenSize: 4, numLayers: 2 },
      { seed: 3, init: 'pytorch' },
    );
    expect(() => charLMToLayersModel(portableCharLM(model))).toThrow(/resetAfterGru: 'keep'/);
    const files = charLMToLayersModel(portableCharLM(model, tokenizer), { resetAfterGru: 'keep' });
    const layers = (
      files.modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }
    ).config.layers;
    expect(layers.filter((l) => l.config.reset_after === true)).toHaveLength(2);
    const bias = files.modelJson.weightsManifest[0]?.weights.find((w) => w.name === 'rnn_l0/bias');
    expect(bias?.shape).toEqual([2, 12]); // Keras TF2's [input bias; recurrent bias]
    const back = charLMFromPortable(charLMFromLayersModel(files));
    const x = tf.tensor2d(IDS, undefined, 'int32');
    const [a, b] = [charLMLogits(model, x).logits, charLMLogits(back.model, x).logits];
    const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([x, a, b]);
    disposeCharLM(model);
    disposeCharLM(back.model);
  });

  it('imports a model tfjs-layers built and saved itself, and refuses hard-sigmoid gates', async () => {
    const tfl = await loadTfjsLayers();
    for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
      const net = tfl.sequential();
      net.add(tfl.layers.embedding({ inputDim: 5, outputDim: 3, inputShape: [null] }));
      net.add(tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation }));
      net.add(tfl.layers.dense({ units: 5 }));
      let files: LayersModelFiles | undefined;
      await net.save(
        tf.io.withSaveHandler(async (a) => {
          files = {
            modelJson: {
              modelTopology: a.modelTopology as object,
              weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs ?? [] }],
            },
            weightData: a.weightData as ArrayBuffer,
          };
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      if (recurrentActivation === 'hardSigmoid') {
        expect(() => charLMFromLayersModel(files as LayersModelFiles)).toThrow(ModelFileError);
        expect(() => charLMFromLayersModel(files as LayersModelFiles)).toThrow(
          /recurrent_activation is hard_sigmoid.*logistic sigmoid/,
        );
      } else {
        const { model } = charLMFromPortable(charLMFromLayersModel(files as LayersModelFiles));
        const ids = tf.tensor2d(IDS, undefined, 'int32');
        const want = net.predict(tf.cast(ids, 'float32')) as tf.Tensor;
        const got = charLMLogits(model, ids).logits;
        expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]).toBeLessThan(2e-6);
        tf.dispose([ids, want, got]);
        disposeCharLM(model);
      }
      net.dispose();
    }
  });

  it('names what it cannot import', () => {
    const model = createCharLM({ vocabSize: 5, hiddenSize: 4 }, { seed: 1 });
    const files = charLMToLayersModel(portableCharLM(model));
    const topology = files.modelJson.modelTopology as {
      config: { layers: { config: Record<string, unknown> }[] };
    };
    const edit = (f: (t: typeof topology) => void) => {
      const copy = JSON.parse(JSON.stringify(files.modelJson));
      f(copy.modelTopology);
      return () => charLMFromLayersModel({ modelJson: copy, weightData: files.weightData });
    };
    expect(
      edit((t) => {
        (t.config.layers[0] as { config: Record<string, unknown> }).config.return_sequences = false;
      }),
    ).toThrow(/return_sequences must be true/);
    expect(
      edit((t) => {
        t.config.layers.pop();
      }),
    ).toThrow(/rnnkit imports/);
    expect(() =>
      charLMFromLayersModel({
        modelJson: files.modelJson,
        weightData: files.weightData.slice(0, 40),
      }),
    ).toThrow(ModelFileError);
    const before = tf.memory().numTensors;
    charLMFromLayersModel(files);
    expect(tf.memory().numTensors).toBe(before); // decoded weights are read and freed
    disposeCharLM(model);
  });
});
