import { BACKENDS, initBackend } from '@rnnkit/backend';
import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradientNameError, OptimizerStateError, OptionError } from '../errors.js';
import { gradAt } from '../test-support/float64-optimizers.js';
import { createOptimizer } from './create-optimizer.js';
import type { Optimizer, OptimizerState } from './optimizer.js';

const CONFIGS = [
  ['adam', { learningRate: 0.05 }],
  ['sgd', { learningRate: 0.1, momentum: 0.9, nesterov: true }],
  ['rmsprop', { learningRate: 0.01, momentum: 0.5, centered: true }],
] as const;

function model() {
  return {
    w: tf.variable(tf.tensor2d([0.5, -1.2, 0.3, 2.0, -0.7, 0.05], [2, 3])),
    b: tf.variable(tf.tensor1d([0.1, -0.2])),
  };
}

function step(opt: Optimizer, params: ReturnType<typeof model>, t: number): void {
  const grads = { w: tf.tensor2d(gradAt(t, 6), [2, 3]), b: tf.tensor1d(gradAt(t + 50, 2)) };
  opt.applyGradients(params, grads);
  tf.dispose(Object.values(grads));
}

/** What a checkpoint file does to the state: JSON with the Float32Arrays as plain arrays. */
function throughJson(state: OptimizerState): OptimizerState {
  const json = JSON.stringify(state, (_, v) => (v instanceof Float32Array ? Array.from(v) : v));
  return JSON.parse(json);
}

describe.each(BACKENDS)('optimizer state on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CONFIGS)(
    '%s resumes from getState exactly like an uninterrupted run',
    (name, options) => {
      const straight = createOptimizer(name, options);
      const a = model();
      for (let t = 1; t <= 6; t++) {
        if (t === 3) straight.learningRate /= 2;
        step(straight, a, t);
      }

      const first = createOptimizer(name, options);
      const b = model();
      for (let t = 1; t <= 3; t++) {
        if (t === 3) first.learningRate /= 2;
        step(first, b, t);
      }
      const saved = throughJson(first.getState());
      first.dispose();
      expect(saved.iterations).toBe(3);
      expect(saved.config.learningRate).toBe(options.learningRate / 2);
      const resumed = createOptimizer(saved.name, { learningRate: 1 });
      resumed.setState(saved);
      expect(resumed.learningRate).toBe(options.learningRate / 2);
      for (let t = 4; t <= 6; t++) step(resumed, b, t);

      expect(resumed.iterations).toBe(6);
      expect(Array.from(b.w.dataSync())).toEqual(Array.from(a.w.dataSync()));
      expect(Array.from(b.b.dataSync())).toEqual(Array.from(a.b.dataSync()));
      expect(resumed.getState()).toEqual(straight.getState());
      straight.dispose();
      resumed.dispose();
      tf.dispose([...Object.values(a), ...Object.values(b)]);
    },
  );
});

describe('applyGradients and setState errors', () => {
  it('rejects a gradient named after no parameter, before changing anything', () => {
    const opt = createOptimizer('adam');
    const params = model();
    const g = tf.ones([2]);
    expect(() => opt.applyGradients(params, { b: g, bias: g })).toThrow(GradientNameError);
    expect(() => opt.applyGradients(params, { b: g, bias: g })).toThrow(
      /no parameter named 'bias'. Parameters: w, b/,
    );
    expect(opt.iterations).toBe(0);
    expect(Array.from(params.b.dataSync())).toEqual([0.1, -0.2].map(Math.fround));
    opt.dispose();
    tf.dispose([...Object.values(params), g]);
  });

  it('says so when gradients are keyed by tf.Variable name instead of parameter name', () => {
    const opt = createOptimizer('sgd');
    const params = model();
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(params.b)), [params.b]);
    expect(() => opt.applyGradients(params, grads)).toThrow(
      /no parameter named '\d+'. Parameters: w, b. These are tf.Variable names/,
    );
    opt.dispose();
    tf.dispose([...Object.values(params), ...Object.values(grads)]);
  });

  it('rejects a gradient whose shape differs from its parameter', () => {
    const opt = createOptimizer('sgd');
    const params = model();
    const g = tf.ones([3]);
    expect(() => opt.applyGradients(params, { b: g })).toThrow(ShapeError);
    expect(() => opt.applyGradients(params, { b: g })).toThrow(
      /gradient 'b' is float32 \[3\], but its parameter is float32 \[2\]/,
    );
    opt.dispose();
    tf.dispose([...Object.values(params), g]);
  });

  it('leaves parameters without a gradient alone', () => {
    const opt = createOptimizer('adam', { learningRate: 0.1 });
    const params = model();
    const before = Array.from(params.w.dataSync());
    const g = tf.ones([2]);
    opt.applyGradients(params, { b: g });
    expect(Array.from(params.w.dataSync())).toEqual(before);
    expect(Object.keys(opt.getState().slots)).toEqual(['b']);
    opt.dispose();
    tf.dispose([...Object.values(params), g]);
  });

  it('refuses another optimizer’s state, and bad slots, changing nothing', () => {
    const adam = createOptimizer('adam');
    const sgd = createOptimizer('sgd', { momentum: 0.9 });
    const params = model();
    step(sgd, params, 1);
    const state = sgd.getState();
    expect(() => adam.setState(state)).toThrow(OptimizerStateError);
    expect(() => adam.setState(state)).toThrow(/saved by 'sgd', not 'adam'/);

    const fresh = createOptimizer('sgd', { momentum: 0.9 });
    const cases: [OptimizerState, RegExp][] = [
      [{ ...state, iterations: -1 }, /iterations must be an integer >= 0/],
      [{ ...state, config: { learningRate: -1 } }, /config is invalid: .*'learningRate'/],
      [
        { ...state, config: { ...state.config, momentum: 0 } },
        /'w' has slots \[momentum\], but sgd .* keeps \[\]/,
      ],
      [
        { ...state, slots: { ...state.slots, b: { momentum: new Float32Array(3) } } },
        /slot 'momentum' of 'b' must hold 2 numbers for shape \[2\]; got 3 values/,
      ],
      [{ ...state, shapes: { w: [2, 3] } }, /slots and shapes must name the same parameters/],
      [
        { ...state, slots: { ...state.slots, b: {} } },
        /'b' has slots \[\], but sgd .* keeps \[momentum\]/,
      ],
    ];
    for (const [bad, message] of cases) {
      expect(() => fresh.setState(bad)).toThrow(message);
    }
    expect(fresh.iterations).toBe(0);
    expect(fresh.getState().slots).toEqual({});
    tf.dispose(Object.values(params));
    for (const o of [adam, sgd, fresh]) o.dispose();
  });

  it('reports a restored slot whose shape no longer fits its parameter', () => {
    const opt = createOptimizer('adam');
    const zeros = new Float32Array(4);
    opt.setState({
      ...opt.getState(),
      slots: { b: { m: zeros, v: zeros } },
      shapes: { b: [4] },
    });
    const params = model();
    const g = tf.ones([2]);
    expect(() => opt.applyGradients(params, { b: g })).toThrow(
      /slot '[mv]' of 'b' was restored with shape \[4\], but the parameter has shape \[2\]/,
    );
    opt.dispose();
    tf.dispose([...Object.values(params), g]);
  });

  it('validates learningRate when it is set, and refuses use after dispose', () => {
    const opt = createOptimizer('rmsprop');
    opt.learningRate = 0.5;
    expect(opt.getState().config.learningRate).toBe(0.5);
    expect(() => {
      opt.learningRate = -1;
    }).toThrow(OptionError);
    expect(opt.learningRate).toBe(0.5);
    opt.dispose();
    expect(() => opt.getState()).toThrow(/rmsprop.getState: the optimizer was disposed/);
  });
});
