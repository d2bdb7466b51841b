// Export back to tfjs-layers: a model built in @tensorflow/tfjs-layers, imported with
// loadKerasModel and written by kerasModelToLayersModel, must load in tf.loadLayersModel and
// predict what the original model and predictKerasModel predict (≤ 1e-5), for every layer
// type the import supports; a reset-after GRU, which tfjs-layers lacks, is refused or kept
// for Keras with a note.
import { initBackend } from '@rnnkit/backend';
import { bidirectionalParams, recurrentParams } from '@rnnkit/cells';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, Sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../errors.js';
import { saveLayersModel } from '../test-support/save-layers-model.js';
import { loadTfjsLayers } from '../test-support/tfjs-layers.js';
import {
  disposeKerasModel,
  type KerasModel,
  loadKerasModel,
  predictKerasModel,
} from './keras-model.js';
import { kerasModelToLayersModel } from './keras-model-export.js';
import type { LayersModelFiles } from './layers-model-export.js';

type Tfl = Awaited<ReturnType<typeof loadTfjsLayers>>;
const B = 3;
const T = 5;
const I = 3;
const U = 4;
const HOLES = [
  [0, 1, 0, 1, 1],
  [1, 1, 1, 1, 1],
  [0, 0, 0, 0, 0],
];
const first = { inputShape: [T, I] };

interface Case {
  name: string;
  input: 'features' | 'holes' | 'ids';
  build(tfl: Tfl): Sequential | LayersModel;
}
const CASES: Case[] = [
  {
    name: 'Masking → SimpleRNN relu goBackwards → TimeDistributed(Dense tanh)',
    input: 'holes',
    build: (tfl) =>
      tfl.sequential({
        layers: [
          tfl.layers.masking({ maskValue: 0, inputShape: [T, I] }),
          tfl.layers.simpleRNN({
            units: U,
            activation: 'relu',
            goBackwards: true,
            returnSequences: true,
          }),
          tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2, activation: 'tanh' }) }),
        ],
      }),
  },
  {
    name: 'LSTM (hardSigmoid default), last output → Dense softmax',
    input: 'features',
    build: (tfl) =>
      tfl.sequential({
        layers: [
          tfl.layers.lstm({ units: U, ...first }),
          tfl.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
  },
  {
    name: 'GRU reset-before, linear / sigmoid',
    input: 'features',
    build: (tfl) =>
      tfl.sequential({
        layers: [
          tfl.layers.gru({
            units: U,
            activation: 'linear',
            recurrentActivation: 'sigmoid',
            returnSequences: true,
            ...first,
          }),
        ],
      }),
  },
  ...(['concat', 'sum', 'ave', 'mul'] as const).map(
    (mergeMode, k): Case => ({
      name: `Masking → Bidirectional(${(['lstm', 'gru', 'simpleRNN', 'lstm'] as const)[k]}) ${mergeMode} → Dense`,
      input: 'holes',
      build: (tfl) =>
        tfl.sequential({
          layers: [
            tfl.layers.masking({ maskValue: 0, inputShape: [T, I] }),
            tfl.layers.bidirectional({
              layer: tfl.layers[(['lstm', 'gru', 'simpleRNN', 'lstm'] as const)[k] as 'lstm']({
                units: U,
                returnSequences: true,
              }) as never,
              mergeMode,
            }),
            tfl.layers.dense({ units: 2 }),
          ],
        }),
    }),
  ),
  {
    name: 'Bidirectional(GRU) merge none, last layer (a functional model: two outputs)',
    input: 'features',
    build: (tfl) => {
      const input = tfl.input({ shape: [T, I] });
      const bi = tfl.layers.bidirectional({
        layer: tfl.layers.gru({ units: U, returnSequences: true }) as never,
        mergeMode: null as never,
      });
      return tfl.model({ inputs: input, outputs: bi.apply(input) as never }) as never;
    },
  },
  {
    name: 'Embedding(maskZero) → LSTM → GRU → TimeDistributed(Dense softmax)',
    input: 'ids',
    build: (tfl) =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputShape: [T] }),
          tfl.layers.lstm({ units: U, returnSequences: true }),
          tfl.layers.gru({ units: U, returnSequences: true, activation: 'relu' }),
          tfl.layers.timeDistributed({
            layer: tfl.layers.dense({ units: 6, activation: 'softmax' }),
          }),
        ],
      }),
  },
];

function seedWeights(net: LayersModel, seed: number): void {
  const ws = net
    .getWeights()
    .map((w, k) => tf.randomUniform(w.shape, -0.8, 0.8, 'float32', seed + k));
  net.setWeights(ws);
  tf.dispose(ws);
}

function inputOf(c: Case, seed: number): tf.Tensor {
  if (c.input === 'ids') {
    return tf.tensor2d([
      [1, 2, 0, 3, 5],
      [0, 0, 4, 4, 1],
      [0, 0, 0, 0, 0],
    ]);
  }
  return tf.tidy(() => {
    const x = tf.randomUniform([B, T, I], -1.5, 1.5, 'float32', seed);
    return c.input === 'holes' ? tf.mul(x, tf.expandDims(tf.tensor2d(HOLES), -1)) : x;
  });
}

async function loadExported(tfl: Tfl, files: LayersModelFiles): Promise<LayersModel> {
  const { modelTopology, weightsManifest } = files.modelJson;
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology,
      weightSpecs: weightsManifest.flatMap((g) => g.weights),
      weightData: files.weightData,
    }),
  );
}

const list = (y: tf.Tensor | tf.Tensor[]) => (Array.isArray(y) ? y : [y]);
function maxDiff(a: tf.Tensor | tf.Tensor[], b: tf.Tensor | tf.Tensor[]): number {
  const [as, bs] = [list(a), list(b)];
  expect(as.length).toBe(bs.length);
  return Math.max(
    ...as.map((t, k) => {
      expect(t.shape).toEqual((bs[k] as tf.Tensor).shape);
      return tf.tidy(() => tf.max(tf.abs(tf.sub(t, bs[k] as tf.Tensor))).dataSync()[0] as number);
    }),
  );
}

/** Nudges every variable, as training would, so the export must carry the current values. */
function retrain(model: KerasModel): void {
  for (const part of model.parts) {
    const vars =
      'rec' in part
        ? Object.values(recurrentParams(part.rec))
        : 'bi' in part
          ? Object.values(bidirectionalParams(part.bi))
          : 'lin' in part
            ? [part.lin.weight, part.lin.bias]
            : 'emb' in part
              ? [part.emb.weight]
              : [];
    for (const v of vars)
      tf.tidy(() =>
        v.assign(tf.add(v, tf.mul(0.05, tf.sin(tf.reshape(tf.range(0, v.size), v.shape))))),
      );
  }
}

describe.each(['cpu', 'wasm'] as const)('kerasModelToLayersModel on %s', (backend) => {
  let tfl: Tfl;
  beforeAll(async () => {
    await initBackend({ backend });
    tfl = await loadTfjsLayers();
  });

  it.each(CASES.map((c, k) => [c.name, c, k] as const))(
    '%s: tf.loadLayersModel predicts the same',
    async (_, c, k) => {
      const net = c.build(tfl);
      seedWeights(net, 200 + 10 * k);
      const model = loadKerasModel(await saveLayersModel(net));
      const x = inputOf(c, 17 + k);
      const original = net.predict(x) as tf.Tensor | tf.Tensor[];
      const exported = await loadExported(tfl, kerasModelToLayersModel(model));
      const again = exported.predict(x) as tf.Tensor | tf.Tensor[];
      expect(maxDiff(again, original)).toBeLessThanOrEqual(1e-5);
      // After retraining in rnnkit, the export carries the new weights.
      retrain(model);
      const mine = predictKerasModel(model, x);
      const before = tf.memory().numTensors;
      const files = kerasModelToLayersModel(model);
      expect(tf.memory().numTensors).toBe(before); // no leaks
      expect(files.notes).toEqual([]);
      const moved = await loadExported(tfl, files);
      const theirs = moved.predict(x) as tf.Tensor | tf.Tensor[];
      expect(maxDiff(mine, original)).toBeGreaterThan(1e-3);
      expect(maxDiff(theirs, mine)).toBeLessThanOrEqual(1e-5);
      tf.dispose([x, ...list(original), ...list(again), ...list(mine), ...list(theirs)]);
      for (const n of [net, exported, moved]) n.dispose();
      disposeKerasModel(model);
    },
  );
});

describe('kerasModelToLayersModel: what tfjs-layers cannot hold', () => {
  let tfl: Tfl;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    tfl = await loadTfjsLayers();
  });

  /** A Keras TF2 file of one reset-after GRU (Keras' default), made from a tfjs-layers GRU. */
  async function resetAfterGru(): Promise<LayersModelFiles> {
    const net = tfl.sequential({
      layers: [tfl.layers.gru({ units: U, returnSequences: true, ...first })],
    });
    seedWeights(net, 5);
    const files = await saveLayersModel(net);
    net.dispose();
    const topology = files.modelJson.modelTopology as {
      keras_version: string;
      config: { layers: { config: Record<string, unknown> }[] };
    };
    topology.keras_version = '2.15.0';
    (topology.config.layers[0] as { config: Record<string, unknown> }).config.reset_after = true;
    const specs = files.modelJson.weightsManifest.flatMap((g) => g.weights);
    const map = tf.io.decodeWeights(files.weightData, specs);
    const bias = specs.find((s) => s.name.endsWith('/bias'))?.name as string;
    (map[bias] as tf.Tensor).dispose();
    map[bias] = tf.randomUniform([2, 3 * U], -0.5, 0.5, 'float32', 9);
    const { data, specs: newSpecs } = await tf.io.encodeWeights(map);
    tf.dispose(Object.values(map));
    return {
      modelJson: {
        ...files.modelJson,
        weightsManifest: [{ paths: ['weights.bin'], weights: newSpecs }],
      },
      weightData: data as ArrayBuffer,
    };
  }

  it('refuses a reset-after GRU by default, saying tfjs-layers cannot load it and Keras can', async () => {
    const model = loadKerasModel(await resetAfterGru());
    let error: unknown;
    try {
      kerasModelToLayersModel(model);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(
      /layer gru\S* \(GRU\) is a reset-after GRU \(Keras reset_after=True\): tfjs-layers has only the reset-before GRU and cannot load it; Keras TF2\/3 can\. Pass resetAfterGru: 'keep'/,
    );
    disposeKerasModel(model);
  });

  it("keeps it with resetAfterGru: 'keep', with a note, and loadKerasModel reads it back exactly", async () => {
    const model = loadKerasModel(await resetAfterGru());
    const files = kerasModelToLayersModel(model, { resetAfterGru: 'keep' });
    expect(files.notes).toHaveLength(1);
    expect(files.notes[0]).toMatch(/tfjs-layers .*cannot load it; Keras TF2\/3 can/);
    const layer = (
      files.modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }
    ).config.layers[0] as { config: Record<string, unknown> };
    expect(layer.config.reset_after).toBe(true);
    expect(
      files.modelJson.weightsManifest[0]?.weights.find((w) => w.name.endsWith('/bias'))?.shape,
    ).toEqual([2, 3 * U]);
    const back = loadKerasModel(files);
    const x = inputOf(CASES[0] as Case, 3);
    const [a, b] = [predictKerasModel(model, x), predictKerasModel(back, x)];
    expect(maxDiff(a, b)).toBeLessThanOrEqual(1e-6);
    tf.dispose([x, ...list(a), ...list(b)]);
    disposeKerasModel(model);
    disposeKerasModel(back);
  });

  it("refuses Keras 3's hard sigmoid, which tfjs-layers does not have", async () => {
    const net = tfl.sequential({ layers: [tfl.layers.lstm({ units: U, ...first })] });
    const files = await saveLayersModel(net);
    net.dispose();
    const topology = files.modelJson.modelTopology as {
      keras_version: string;
      config: { layers: { config: Record<string, unknown> }[] };
    };
    topology.keras_version = '3.3.3';
    (topology.config.layers[0] as { config: Record<string, unknown> }).config.recurrent_activation =
      'hard_sigmoid';
    const model = loadKerasModel(files);
    expect(() => kerasModelToLayersModel(model)).toThrow(
      /layer lstm\S* \(LSTM\) recurrent_activation is Keras 3's hard sigmoid \(x\/6 \+ 0\.5\)/,
    );
    disposeKerasModel(model);
  });
});
