// Custom cells: a tanh RNN and an LSTM re-implemented through defineCell must give the built-in
// cells' outputs, final states and gradients (tape autodiff against rnnkit's own BPTT) on cpu
// and wasm, through lengths, masks with holes, stacking and the bidirectional wrapper.
import { initBackend } from '@rnnkit/backend';
import { createRng, RnnkitError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { CustomCellError } from '../errors.js';
import {
  disposeRecurrent,
  type Recurrent,
  type RecurrentState,
  recurrentParams,
} from '../recurrent.js';
import {
  bidirectionalParams,
  createBidirectional,
  createCustomBidirectional,
  disposeBidirectional,
} from '../sequence/bidirectional.js';
import { runBidirectional } from '../sequence/run-bidirectional.js';
import { runRecurrent } from '../sequence/run-recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import {
  type CustomCellSizes,
  type CustomRecurrent,
  createCustomRecurrent,
  defineCell,
} from './custom-cell.js';

const B = 3;
const T = 4;
const I = 3;
const H = 4;
const HOLES = [
  [0, 1, 0, 1],
  [1, 1, 1, 1],
  [0, 0, 0, 0],
];

// PyTorch's parameter names and layout, so the built-in weights copy over by name.
const torchParams = (gates: number) => ({
  weight_ih: {
    shape: ({ inputSize, hiddenSize }: CustomCellSizes) => [gates * hiddenSize, inputSize],
    init: 'glorotUniform' as const,
  },
  weight_hh: {
    shape: ({ hiddenSize }: CustomCellSizes) => [gates * hiddenSize, hiddenSize],
    init: 'orthogonal' as const,
  },
  bias_ih: {
    shape: ({ hiddenSize }: CustomCellSizes) => [gates * hiddenSize],
    init: 'zeros' as const,
  },
  bias_hh: {
    shape: ({ hiddenSize }: CustomCellSizes) => [gates * hiddenSize],
    init: 'zeros' as const,
  },
});
const gates = (x: tf.Tensor2D, h: tf.Tensor2D, p: Record<string, tf.Tensor>) =>
  tf.add(
    tf.add(tf.matMul(x, p.weight_ih as tf.Tensor2D, false, true), p.bias_ih as tf.Tensor1D),
    tf.add(tf.matMul(h, p.weight_hh as tf.Tensor2D, false, true), p.bias_hh as tf.Tensor1D),
  ) as tf.Tensor2D;

const myRnn = defineCell({
  name: 'myRnn',
  state: 'h',
  params: torchParams(1),
  step: (x, { h }, p) => ({ h: tf.tanh(gates(x, h, p)) }),
});

const myLstm = defineCell({
  name: 'myLstm',
  state: 'hc',
  params: torchParams(4),
  step(x, { h, c }, p) {
    const [i, f, g, o] = tf.split(gates(x, h, p), 4, 1) as tf.Tensor2D[];
    const c2 = tf.add(
      tf.mul(tf.sigmoid(f as tf.Tensor2D), c as tf.Tensor2D),
      tf.mul(tf.sigmoid(i as tf.Tensor2D), tf.tanh(g as tf.Tensor2D)),
    ) as tf.Tensor2D;
    return { h: tf.mul(tf.sigmoid(o as tf.Tensor2D), tf.tanh(c2)) as tf.Tensor2D, c: c2 };
  },
});

/** Copies same-named variables from `from` into `to` (built-in → custom). */
function copyParams(from: Record<string, tf.Variable>, to: Record<string, tf.Variable>): void {
  expect(Object.keys(to).sort()).toEqual(Object.keys(from).sort());
  for (const [name, v] of Object.entries(from)) (to[name] as tf.Variable).assign(v);
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

interface Case {
  cell: 'rnn' | 'lstm';
  numLayers: number;
  seqLengths?: number[];
  mask?: number[][];
  maskedOutput?: 'zero' | 'previous';
  goBackwards?: boolean;
}
const CASES: Case[] = (['rnn', 'lstm'] as const).flatMap((cell) => [
  { cell, numLayers: 1 },
  { cell, numLayers: 2, seqLengths: [4, 2, 0] },
  { cell, numLayers: 2, mask: HOLES, maskedOutput: 'zero' as const },
  { cell, numLayers: 2, mask: HOLES, maskedOutput: 'previous' as const },
  { cell, numLayers: 1, mask: HOLES, maskedOutput: 'previous' as const, goBackwards: true },
]);
const label = (c: Case) =>
  [
    c.cell,
    `L=${c.numLayers}`,
    c.seqLengths ? `seqLengths=${c.seqLengths}` : '',
    c.mask ? `mask ${c.maskedOutput}` : '',
    c.goBackwards ? 'goBackwards' : '',
  ]
    .filter(Boolean)
    .join(' ');

describe.each(BACKENDS)('custom cells on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CASES.map((c) => [label(c), c] as const))(
    'equal the built-in cell, values and gradients: %s',
    (_, c) => {
      const rng = createRng(3);
      const config = { inputSize: I, hiddenSize: H, numLayers: c.numLayers };
      const builtIn = createRecurrent({ cell: c.cell, ...config }, { init: 'pytorch', seed: 2 });
      const custom = createCustomRecurrent(c.cell === 'rnn' ? myRnn : myLstm, config);
      copyParams(recurrentParams(builtIn), recurrentParams(custom));
      const x = randomTensor([B, T, I], rng) as tf.Tensor3D;
      const h0 = randomTensor([c.numLayers, B, H], rng) as tf.Tensor3D;
      const c0 = randomTensor([c.numLayers, B, H], rng) as tf.Tensor3D;
      const gOut = randomTensor([B, T, H], rng);
      const gH = randomTensor([c.numLayers, B, H], rng);
      const mask = c.mask ? (tf.tensor2d(c.mask, [B, T], 'bool') as tf.Tensor2D) : undefined;
      const initialState: RecurrentState = c.cell === 'lstm' ? { h: h0, c: c0 } : { h: h0 };
      const options = {
        initialState,
        seqLengths: c.seqLengths,
        mask,
        maskedOutput: c.maskedOutput,
        goBackwards: c.goBackwards,
      };
      const lossOf = (rec: Recurrent | CustomRecurrent) => () => {
        const run = runRecurrent(rec, x, options);
        const terms = [tf.sum(tf.mul(run.outputs, gOut)), tf.sum(tf.mul(run.state.h, gH))];
        if (run.state.c) terms.push(tf.sum(tf.mul(run.state.c, gH)));
        return tf.addN(terms) as tf.Scalar;
      };
      const runs = [builtIn, custom].map((rec) => runRecurrent(rec, x, options));
      const [want, got] = runs as [
        ReturnType<typeof runRecurrent>,
        ReturnType<typeof runRecurrent>,
      ];
      expect(maxDiff(got.outputs, want.outputs)).toBeLessThan(2e-6);
      expect(maxDiff(got.state.h, want.state.h)).toBeLessThan(2e-6);
      if (c.cell === 'lstm') {
        expect(maxDiff(got.state.c as tf.Tensor, want.state.c as tf.Tensor)).toBeLessThan(2e-6);
      }
      const gWant = tf.variableGrads(lossOf(builtIn), Object.values(recurrentParams(builtIn)));
      const gGot = tf.variableGrads(lossOf(custom), Object.values(recurrentParams(custom)));
      expect(maxDiff(gGot.value, gWant.value)).toBeLessThan(1e-5);
      const cp = recurrentParams(custom);
      for (const [name, v] of Object.entries(recurrentParams(builtIn))) {
        const g = gGot.grads[(cp[name] as tf.Variable).name] as tf.Tensor;
        expect(maxDiff(g, gWant.grads[v.name] as tf.Tensor), name).toBeLessThan(2e-6);
      }
      tf.dispose([x, h0, c0, gOut, gH, mask]);
      tf.dispose([got.outputs, got.state.h, got.state.c, want.outputs, want.state.h]);
      tf.dispose([want.state.c, gWant.value, gGot.value]);
      tf.dispose([...Object.values(gWant.grads), ...Object.values(gGot.grads)]);
      disposeRecurrent(builtIn);
      disposeRecurrent(custom);
    },
  );

  it('equals the built-in cell in a 2-layer bidirectional stack with lengths', () => {
    const rng = createRng(4);
    const config = { inputSize: I, hiddenSize: H, numLayers: 2, merge: 'concat' as const };
    const builtIn = createBidirectional({ cell: 'lstm', ...config }, { seed: 1 });
    const custom = createCustomBidirectional(myLstm, config, { seed: 9 });
    copyParams(bidirectionalParams(builtIn), bidirectionalParams(custom));
    const x = randomTensor([B, T, I], rng) as tf.Tensor3D;
    const gOut = randomTensor([B, T, 2 * H], rng);
    const seqLengths = [4, 2, 1];
    const lossOf = (bi: typeof builtIn | typeof custom) => () =>
      tf.sum(tf.mul(runBidirectional(bi, x, { seqLengths }).outputs, gOut)) as tf.Scalar;
    const want = tf.variableGrads(lossOf(builtIn), Object.values(bidirectionalParams(builtIn)));
    const got = tf.variableGrads(lossOf(custom), Object.values(bidirectionalParams(custom)));
    expect(maxDiff(got.value, want.value)).toBeLessThan(1e-5);
    const cp = bidirectionalParams(custom);
    for (const [name, v] of Object.entries(bidirectionalParams(builtIn))) {
      const g = got.grads[(cp[name] as tf.Variable).name] as tf.Tensor;
      expect(maxDiff(g, want.grads[v.name] as tf.Tensor), name).toBeLessThan(2e-6);
    }
    tf.dispose([x, gOut, want.value, got.value, ...Object.values(want.grads)]);
    tf.dispose(Object.values(got.grads));
    disposeBidirectional(builtIn);
    disposeBidirectional(custom);
  });

  it("has the finite-difference gradient of a cell rnnkit doesn't have (with a mask)", () => {
    // A minimal gated unit: h' = (1 - z) h + z tanh(x W + h U), z = σ(x Wz + bz).
    const mgu = defineCell({
      name: 'mgu',
      state: 'h',
      params: {
        w: { shape: ({ inputSize, hiddenSize }) => [inputSize, hiddenSize], init: 'glorotUniform' },
        u: { shape: ({ hiddenSize }) => [hiddenSize, hiddenSize], init: 'orthogonal' },
        wz: { shape: ({ inputSize, hiddenSize }) => [inputSize, hiddenSize], init: 'uniform' },
        bz: { shape: ({ hiddenSize }) => [hiddenSize], init: 'ones' },
      },
      step(x, { h }, p) {
        const z = tf.sigmoid(tf.add(tf.matMul(x, p.wz as tf.Tensor2D), p.bz as tf.Tensor1D));
        const n = tf.tanh(
          tf.add(tf.matMul(x, p.w as tf.Tensor2D), tf.matMul(h, p.u as tf.Tensor2D)),
        );
        return { h: tf.add(tf.mul(tf.sub(1, z), h), tf.mul(z, n)) as tf.Tensor2D };
      },
    });
    const rng = createRng(8);
    const rec = createCustomRecurrent(
      mgu,
      { inputSize: I, hiddenSize: H, numLayers: 2 },
      { seed: 3 },
    );
    const x = randomTensor([B, T, I], rng) as tf.Tensor3D;
    const gOut = randomTensor([B, T, H], rng);
    const mask = tf.tensor2d(HOLES, [B, T], 'bool') as tf.Tensor2D;
    const loss = () =>
      tf.sum(
        tf.mul(runRecurrent(rec, x, { mask, maskedOutput: 'previous' }).outputs, gOut),
      ) as tf.Scalar;
    const params = recurrentParams(rec);
    const vg = tf.variableGrads(loss, Object.values(params));
    const eps = 1e-2;
    for (const v of Object.values(params)) {
      const original = v.dataSync().slice();
      const g = (vg.grads[v.name] as tf.Tensor).dataSync();
      for (let s = 0; s < 3; s++) {
        const k = Math.floor(rng() * original.length);
        const fd = [eps, -eps].map((d) => {
          const values = original.slice();
          values[k] = (values[k] as number) + d;
          tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
          return tf.tidy(() => loss().dataSync()[0] as number);
        });
        tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
        const numeric = ((fd[0] as number) - (fd[1] as number)) / (2 * eps);
        const got = g[k] as number;
        expect(Math.abs(numeric - got)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
      }
    }
    tf.dispose([x, gOut, mask, vg.value, ...Object.values(vg.grads)]);
    disposeRecurrent(rec);
  });

  it('leaks no tensors across runs and gradient steps', () => {
    const rec = createCustomRecurrent(myLstm, { inputSize: I, hiddenSize: H, numLayers: 2 });
    const x = tf.randomUniform([B, T, I], -1, 1, 'float32', 1) as tf.Tensor3D;
    const mask = tf.tensor2d(HOLES, [B, T], 'bool') as tf.Tensor2D;
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(runRecurrent(rec, x, { mask, seqLengths: [4, 3, 2] }).outputs) as tf.Scalar,
        Object.values(recurrentParams(rec)),
      );
      tf.dispose([value, ...Object.values(grads)]);
      const run = runRecurrent(rec, x, { goBackwards: true, mask });
      tf.dispose([run.outputs, run.state.h, run.state.c]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask]);
    disposeRecurrent(rec);
  });

  it('names the cell and the expected shape when a step returns the wrong shapes', () => {
    const wide = defineCell({
      name: 'tooWide',
      state: 'h',
      params: { u: { shape: ({ hiddenSize }) => [hiddenSize, hiddenSize + 1], init: 'zeros' } },
      step: (_x, { h }, p) => ({ h: tf.matMul(h, p.u as tf.Tensor2D) }),
    });
    const noC = defineCell({
      name: 'forgotC',
      state: 'hc',
      params: {},
      step: (_x, { h }) => ({ h }),
    });
    const x = tf.zeros([B, T, I]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (const [cell, pattern] of [
      [
        wide,
        /Custom cell 'tooWide': step returned h of shape \[3, 5\].*expected float32 \[batch, hiddenSize\] = \[3, 4\]/,
      ],
      [noC, /Custom cell 'forgotC': step must return c \[batch, hiddenSize\] = \[3, 4\].*'hc'/],
    ] as const) {
      const rec = createCustomRecurrent(cell, { inputSize: I, hiddenSize: H });
      let error: unknown;
      try {
        runRecurrent(rec, x);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CustomCellError);
      expect(error).toBeInstanceOf(RnnkitError);
      expect((error as Error).message).toMatch(pattern);
      disposeRecurrent(rec);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses malformed definitions by name', () => {
    expect(() =>
      defineCell({ name: 'bad', state: 'hx' as 'h', params: {}, step: (_x, s) => s }),
    ).toThrow(/Custom cell 'bad': state must be 'h'/);
    expect(() =>
      defineCell({
        name: 'bad',
        state: 'h',
        params: { w: { shape: () => [1], init: 'heNormal' as 'zeros' } },
        step: (_x, s) => s,
      }),
    ).toThrow(/parameter 'w' has unknown init 'heNormal'/);
  });
});
