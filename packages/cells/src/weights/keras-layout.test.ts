// Keras / tfjs-layers layout: the mapping matches the reference files' Keras blocks, round-trips,
// refuses GRUs tfjs-layers cannot express, and real tfjs-layers layers reproduce rnnkit's outputs.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectClose,
  flat,
  listVectors,
  loadVector,
  type Nested,
} from '../../../../fixtures/reference.js';
import type { CellType } from '../cell/cell-type.js';
import { createRecurrent } from '../create-recurrent.js';
import { KerasLayoutError } from '../errors.js';
import { disposeRecurrent } from '../recurrent.js';
import { runRecurrent } from '../sequence/run-recurrent.js';
import { loadTfjsLayers } from '../test-support/tfjs-layers.js';
import { type KerasLayerWeights, kerasToStateDict, stateDictToKeras } from './keras-layout.js';
import { loadRecurrentKerasWeights, recurrentKerasWeights } from './keras-weights.js';
import type { NamedArrays } from './named-arrays.js';
import { loadRecurrentStateDict } from './state-dict.js';

// float32 of the float64 reference values
const exact = { atol: 0, rtol: 1e-7 };
const arr = (x: Nested) => ({ shape: shapeOf(x), data: Float32Array.from(flat(x)) });
function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0] as Nested)] : [];
}
const configOf = (v: {
  cell: CellType;
  input_size: number;
  hidden_size: number;
  num_layers: number;
}) => ({
  cell: v.cell,
  inputSize: v.input_size,
  hiddenSize: v.hidden_size,
  numLayers: v.num_layers,
});
const dictOf = (v: { weights: Record<string, Nested> }): NamedArrays =>
  Object.fromEntries(Object.entries(v.weights).map(([k, w]) => [k, arr(w)]));

describe('Keras layout', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it.each(listVectors('cell_'))('maps %s to its keras block and back', (file) => {
    const v = loadVector(file);
    const config = configOf(v);
    const layers = stateDictToKeras(config, dictOf(v));
    v.keras.weights.forEach((w: Record<string, Nested>, l: number) => {
      const got = layers[l] as KerasLayerWeights;
      expect(got.kernel.shape).toEqual(shapeOf(w.kernel as Nested));
      expect(got.bias.shape).toEqual(shapeOf(w.bias as Nested));
      expectClose(
        got.kernel.data,
        w.kernel as Nested,
        { atol: 1e-7, rtol: 1e-6 },
        `${file} kernel`,
      );
      expectClose(
        got.recurrentKernel.data,
        w.recurrent_kernel as Nested,
        { atol: 1e-7, rtol: 1e-6 },
        'rk',
      );
      expectClose(got.bias.data, w.bias as Nested, { atol: 1e-7, rtol: 1e-6 }, `${file} bias`);
    });
    // Back: same forward pass (rnn/lstm biases are folded into bias_ih, so compare outputs).
    const rec = createRecurrent(config);
    loadRecurrentStateDict(rec, kerasToStateDict(config, layers));
    const t3 = (n: Nested) => tf.tensor3d(flat(n), shapeOf(n) as [number, number, number]);
    const x = t3(v.x);
    const initialState = { h: t3(v.h0), c: v.c0 ? t3(v.c0) : undefined };
    const { outputs, state } = runRecurrent(rec, x, { initialState });
    expectClose(outputs.dataSync(), v.outputs, { atol: 1e-5, rtol: 1e-5 }, `${file} outputs`);
    tf.dispose([x, outputs, state.h, state.c, initialState.h, initialState.c]);
    disposeRecurrent(rec);
  });

  it('maps the diagonal-n GRU exactly to the reset-before layout, and only that GRU', () => {
    const v = loadVector('cell_gru_l1_small_rand_diaghn.json');
    const [layer] = stateDictToKeras(configOf(v), dictOf(v), 'reset-before');
    const want = v.keras_reset_before.weights[0];
    expectClose(layer?.kernel.data ?? [], want.kernel, exact, 'kernel');
    expectClose(layer?.recurrentKernel.data ?? [], want.recurrent_kernel, exact, 'rk');
    expectClose(layer?.bias.data ?? [], want.bias, { atol: 1e-7, rtol: 0 }, 'bias');
    const general = loadVector('cell_gru_l1_small_rand.json');
    expect(() => stateDictToKeras(configOf(general), dictOf(general), 'reset-before')).toThrow(
      /GRU layer 0 has no exact reset-before form.*not diagonal.*reset_after=True/s,
    );
    expect(() =>
      kerasToStateDict(
        configOf(general),
        [
          {
            ...(layer as KerasLayerWeights),
            recurrentKernel: arr(general.keras.weights[0].recurrent_kernel),
          },
        ],
        'reset-before',
      ),
    ).toThrow(KerasLayoutError);
  });

  it('names shape and layer-count mistakes', () => {
    const config = { cell: 'lstm', inputSize: 3, hiddenSize: 2, numLayers: 1 } as const;
    const z = (...shape: number[]) => ({
      shape,
      data: new Float32Array(shape.reduce((a, b) => a * b, 1)),
    });
    expect(() => kerasToStateDict(config, [])).toThrow(/Expected 1 Keras lstm layers, got 0/);
    expect(() =>
      kerasToStateDict(config, [{ kernel: z(3, 6), recurrentKernel: z(2, 8), bias: z(8) }]),
    ).toThrow(/layer 0 kernel has shape \[3, 6\], expected \[3, 8\]/);
  });

  it.each(['rnn', 'lstm'] as const)(
    'tfjs-layers %s with these weights gives rnnkit outputs',
    async (cell) => {
      const tfl = await loadTfjsLayers();
      const rec = createRecurrent(
        { cell, inputSize: 4, hiddenSize: 5, numLayers: 2 },
        { seed: 3, init: 'pytorch' },
      );
      const model = tfl.sequential();
      for (let l = 0; l < 2; l++) {
        const options = {
          units: 5,
          returnSequences: true,
          ...(l === 0 ? { inputShape: [null, 4] } : {}),
        };
        model.add(
          cell === 'rnn'
            ? tfl.layers.simpleRNN(options)
            : tfl.layers.lstm({ ...options, recurrentActivation: 'sigmoid' }),
        );
      }
      const tensors = recurrentKerasWeights(rec).flatMap((w) =>
        [w.kernel, w.recurrentKernel, w.bias].map((a) => tf.tensor(a.data, a.shape)),
      );
      model.setWeights(tensors);
      const x = tf.randomNormal([3, 7, 4], 0, 1, 'float32', 5) as tf.Tensor3D;
      const want = runRecurrent(rec, x).outputs;
      const got = model.predict(x) as tf.Tensor;
      const diff = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] as number;
      expect(diff).toBeLessThan(1e-6);
      // And back from tfjs-layers' own weights.
      const back = createRecurrent({ cell, inputSize: 4, hiddenSize: 5, numLayers: 2 });
      const w = model
        .getWeights()
        .map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
      const layer = (l: number) => ({
        kernel: w[3 * l],
        recurrentKernel: w[3 * l + 1],
        bias: w[3 * l + 2],
      });
      loadRecurrentKerasWeights(back, [layer(0), layer(1)] as KerasLayerWeights[]);
      const again = runRecurrent(back, x).outputs;
      expect(tf.max(tf.abs(tf.sub(again, want))).dataSync()[0]).toBeLessThan(1e-6);
      tf.dispose([...tensors, x, want, got, again]);
      model.dispose();
      disposeRecurrent(rec);
      disposeRecurrent(back);
    },
  );
});
