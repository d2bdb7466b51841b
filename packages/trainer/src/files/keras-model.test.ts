// Round trips with real tfjs-layers: models built in @tensorflow/tfjs-layers with each Keras
// option, saved through tf.io.withSaveHandler, imported by loadKerasModel and run by
// predictKerasModel, must give model.predict's numbers (≤ 1e-5) on cpu and wasm.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel, Sequential } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../errors.js';
import { saveLayersModel } from '../test-support/save-layers-model.js';
import { loadTfjsLayers } from '../test-support/tfjs-layers.js';
import { disposeKerasModel, loadKerasModel, predictKerasModel } from './keras-model.js';
import { readKerasModel } from './keras-model-spec.js';

type Tfl = Awaited<ReturnType<typeof loadTfjsLayers>>;
const B = 3;
const T = 5;
const I = 3;
const U = 4;
// A leading hole, a gap, an all-masked example (Masking zeroes those steps).
const HOLES = [
  [0, 1, 0, 1, 1],
  [1, 1, 1, 1, 1],
  [0, 0, 0, 0, 0],
];

/** Seeded weights in [-0.8, 0.8] (Keras' initialisers draw unseeded). */
function seedWeights(net: LayersModel, seed: number): void {
  const ws = net
    .getWeights()
    .map((w, k) => tf.randomUniform(w.shape, -0.8, 0.8, 'float32', seed + k));
  net.setWeights(ws);
  tf.dispose(ws);
}

function features(seed: number, holes = false): tf.Tensor3D {
  return tf.tidy(() => {
    const x = tf.randomUniform([B, T, I], -1.5, 1.5, 'float32', seed);
    if (!holes) return x as tf.Tensor3D;
    return tf.mul(x, tf.expandDims(tf.tensor2d(HOLES), -1)) as tf.Tensor3D;
  });
}

interface Case {
  name: string;
  build(tfl: Tfl): Sequential;
  input: 'features' | 'holes' | 'ids';
}

const rnnOpts = (extra: Record<string, unknown> = {}) => ({ units: U, ...extra });
const first = { inputShape: [T, I] };

const CASES: Case[] = [
  ...(['tanh', 'relu', 'linear', 'sigmoid', 'hardSigmoid'] as const).map(
    (activation): Case => ({
      name: `SimpleRNN ${activation}`,
      input: 'features',
      build: (tfl) =>
        tfl.sequential({
          layers: [tfl.layers.simpleRNN(rnnOpts({ ...first, activation, returnSequences: true }))],
        }),
    }),
  ),
  ...(['lstm', 'gru'] as const).flatMap((cell): Case[] =>
    [
      {}, // tfjs-layers' defaults: tanh and the hard sigmoid
      { activation: 'relu', recurrentActivation: 'sigmoid' },
      { activation: 'hardSigmoid', recurrentActivation: 'hardSigmoid' },
      { activation: 'linear', recurrentActivation: 'sigmoid', returnSequences: false },
      ...(cell === 'lstm' ? [{ unitForgetBias: true }] : []),
    ].map((opts) => ({
      name: `${cell} ${JSON.stringify(opts)}`,
      input: 'features',
      build: (tfl) =>
        tfl.sequential({
          layers: [tfl.layers[cell](rnnOpts({ ...first, returnSequences: true, ...opts }))],
        }),
    })),
  ),
  ...(['simpleRNN', 'lstm', 'gru'] as const).flatMap((cell): Case[] => [
    {
      name: `Masking with holes → ${cell} → TimeDistributed(Dense)`,
      input: 'holes',
      build: (tfl) =>
        tfl.sequential({
          layers: [
            tfl.layers.masking({ maskValue: 0, inputShape: [T, I] }),
            tfl.layers[cell](rnnOpts({ returnSequences: true })),
            tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2 }) }),
          ],
        }),
    },
    {
      name: `Masking with holes → ${cell} goBackwards, last output → Dense softmax`,
      input: 'holes',
      build: (tfl) =>
        tfl.sequential({
          layers: [
            tfl.layers.masking({ maskValue: 0, inputShape: [T, I] }),
            tfl.layers[cell](rnnOpts({ goBackwards: true })),
            tfl.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
    },
  ]),
  ...(['concat', 'sum', 'ave', 'mul'] as const).flatMap((mergeMode): Case[] =>
    (['lstm', 'gru', 'simpleRNN'] as const).map((cell) => ({
      name: `Masking → Bidirectional(${cell}) ${mergeMode} → Dense`,
      input: 'holes',
      build: (tfl) =>
        tfl.sequential({
          layers: [
            tfl.layers.masking({ maskValue: 0, inputShape: [T, I] }),
            tfl.layers.bidirectional({
              layer: tfl.layers[cell](rnnOpts({ returnSequences: true })) as never,
              mergeMode,
            }),
            tfl.layers.dense({ units: 2, activation: 'tanh' }),
          ],
        }),
    })),
  ),
  {
    name: 'Bidirectional(GRU) concat, last output',
    input: 'features',
    build: (tfl) =>
      tfl.sequential({
        layers: [
          tfl.layers.bidirectional({
            layer: tfl.layers.gru(rnnOpts()) as never,
            mergeMode: 'concat',
            inputShape: [T, I],
          }),
        ],
      }),
  },
  {
    name: 'Embedding(maskZero) → LSTM → GRU → TimeDistributed(Dense softmax)',
    input: 'ids',
    build: (tfl) =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputShape: [T] }),
          tfl.layers.lstm(rnnOpts({ returnSequences: true })),
          tfl.layers.gru(rnnOpts({ returnSequences: true, activation: 'relu' })),
          tfl.layers.timeDistributed({
            layer: tfl.layers.dense({ units: 6, activation: 'softmax' }),
          }),
        ],
      }),
  },
];

describe.each(['cpu', 'wasm'] as const)('tfjs-layers models imported on %s', (backend) => {
  let tfl: Tfl;
  beforeAll(async () => {
    await initBackend({ backend });
    tfl = await loadTfjsLayers();
  });

  it.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', async (_, c, k) => {
    const net = c.build(tfl);
    seedWeights(net, 100 + 10 * k);
    const files = await saveLayersModel(net);
    const x =
      c.input === 'ids'
        ? tf.tensor2d([
            [1, 2, 0, 3, 5],
            [0, 0, 4, 4, 1],
            [0, 0, 0, 0, 0],
          ])
        : features(7 + k, c.input === 'holes');
    const before = tf.memory().numTensors;
    const model = loadKerasModel(files);
    const got = predictKerasModel(model, x) as tf.Tensor;
    const want = net.predict(x) as tf.Tensor;
    expect(got.shape).toEqual(want.shape);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] as number);
    console.log(`${backend} ${c.name}: max |rnnkit - model.predict| ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    tf.dispose([got, want]);
    disposeKerasModel(model);
    expect(tf.memory().numTensors).toBe(before); // no leaks
    tf.dispose(x);
    net.dispose();
  });
});

describe('refusals name the layer and the option', () => {
  let tfl: Tfl;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    tfl = await loadTfjsLayers();
  });

  /** A saved LSTM → Dense model with its topology edited by `edit`. */
  async function edited(
    edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void,
  ) {
    const net = tfl.sequential({
      layers: [
        tfl.layers.lstm({ units: U, inputShape: [T, I], returnSequences: true }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const files = await saveLayersModel(net);
    net.dispose();
    const topology = files.modelJson.modelTopology as {
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    edit(topology.config.layers);
    return files;
  }

  const cases: [string, Parameters<typeof edited>[0], RegExp][] = [
    [
      'an unsupported layer',
      (ls) => {
        (ls[1] as { class_name: string }).class_name = 'Conv1D';
      },
      /layer dense\S* is a Conv1D; rnnkit imports SimpleRNN, LSTM, GRU/,
    ],
    [
      'an unsupported activation',
      (ls) => {
        (ls[0] as { config: Record<string, unknown> }).config.activation = 'elu';
      },
      /layer lstm\S* \(LSTM\) activation is 'elu'/,
    ],
    [
      'return_state',
      (ls) => {
        (ls[0] as { config: Record<string, unknown> }).config.return_state = true;
      },
      /layer lstm\S* \(LSTM\): return_state is not supported/,
    ],
    [
      'time_major',
      (ls) => {
        (ls[0] as { config: Record<string, unknown> }).config.time_major = true;
      },
      /time_major is not supported/,
    ],
    [
      'TimeDistributed of something else',
      (ls) => {
        ls[1] = {
          class_name: 'TimeDistributed',
          config: { name: 'td', layer: { class_name: 'Conv1D', config: {} } },
        };
      },
      /layer td \(TimeDistributed\) wraps Conv1D/,
    ],
  ];
  it.each(cases)('%s', async (_, edit, message) => {
    const files = await edited(edit);
    expect(() => readKerasModel(files)).toThrow(ModelFileError);
    expect(() => loadKerasModel(files)).toThrow(message);
  });

  it('a Bidirectional merge mode it does not know, and a wrapped Dense', async () => {
    const net = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({
          layer: tfl.layers.gru({ units: U }) as never,
          inputShape: [T, I],
        }),
      ],
    });
    const files = await saveLayersModel(net);
    net.dispose();
    const layer = (
      files.modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }
    ).config.layers[0] as { config: Record<string, unknown> };
    layer.config.merge_mode = 'max';
    expect(() => loadKerasModel(files)).toThrow(
      /\(Bidirectional\): merge_mode "max" is not one of concat/,
    );
    layer.config.merge_mode = 'concat';
    (layer.config.layer as { class_name: string }).class_name = 'Dense';
    expect(() => loadKerasModel(files)).toThrow(/wraps Dense, not SimpleRNN, LSTM or GRU/);
  });
});
