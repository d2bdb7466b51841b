import { BACKENDS, initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, loadVector, type Nested, TOLERANCE } from '../../../../fixtures/reference.js';
import { OptionError } from '../errors.js';
import { worstErrors } from '../test-support/worst-errors.js';
import { adam } from './adam.js';

const VECTOR = loadVector('adam.json');
const FORMULATIONS = Object.keys(VECTOR.formulations) as string[];
const worst = worstErrors('adam');
afterAll(() => worst.report());

type Params = Record<string, Nested>;

function variables(values: Params): Record<string, tf.Variable> {
  return Object.fromEntries(
    Object.entries(values).map(([name, v]) => [name, tf.variable(tf.tensor(v as number[]))]),
  );
}

describe.each(BACKENDS)('adam on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('covers the four formulations of adam.json', () => {
    expect(FORMULATIONS.sort()).toEqual(
      ['pytorch', 'tf1_train_adam_eps_hat', 'tf_keras_eps_hat', 'tfjs_core'].sort(),
    );
  });

  it.each(FORMULATIONS)('follows the %s trajectory: m, v and params_after', (name) => {
    const f = VECTOR.formulations[name];
    const opt = adam({
      learningRate: VECTOR.lr,
      beta1: VECTOR.beta1,
      beta2: VECTOR.beta2,
      epsilon: f.epsilon,
      epsilonHat: name.includes('eps_hat'),
    });
    const params = variables(VECTOR.init);
    for (const step of f.trajectory) {
      const grads = Object.fromEntries(
        Object.entries(step.grads as Params).map(([k, g]) => [k, tf.tensor(g as number[])]),
      );
      opt.applyGradients(params, grads);
      tf.dispose(Object.values(grads));
      const state = opt.getState();
      for (const p of Object.keys(params)) {
        const label = `${name} t=${step.t} ${p}`;
        const tol = TOLERANCE.params;
        const errors = {
          m: expectClose(state.slots[p]?.m ?? [], step.m[p], tol, `${label} m`),
          v: expectClose(state.slots[p]?.v ?? [], step.v[p], tol, `${label} v`),
          params: expectClose(params[p]?.dataSync() ?? [], step.params_after[p], tol, label),
        };
        for (const [k, e] of Object.entries(errors)) worst.record(`${backend} ${name} ${k}`, e);
      }
    }
    expect(opt.iterations).toBe(f.trajectory.length);
    opt.dispose();
    tf.dispose(Object.values(params));
  });

  it('tells the epsilon forms apart: eps-hat grads fed to the tfjs form miss the reference', () => {
    const f = VECTOR.formulations.tf_keras_eps_hat;
    const opt = adam({ learningRate: VECTOR.lr, epsilon: f.epsilon });
    const params = variables(VECTOR.init);
    const step = f.trajectory[0];
    const grads = Object.fromEntries(
      Object.entries(step.grads as Params).map(([k, g]) => [k, tf.tensor(g as number[])]),
    );
    opt.applyGradients(params, grads);
    // s has gradients ~1e-7, where the two forms differ by far more than the tolerance.
    expect(() =>
      expectClose(params.s?.dataSync() ?? [], step.params_after.s, TOLERANCE.params, 's'),
    ).toThrow();
    opt.dispose();
    tf.dispose([...Object.values(params), ...Object.values(grads)]);
  });

  it('keeps tf.memory().numTensors flat over 100 steps', () => {
    const opt = adam({ learningRate: 0.01 });
    const params = variables(VECTOR.init);
    const grads = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, tf.onesLike(p)]));
    opt.applyGradients(params, grads); // creates the slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) opt.applyGradients(params, grads);
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before - 2 * Object.keys(params).length);
    tf.dispose([...Object.values(params), ...Object.values(grads)]);
  });
});

describe('adam options', () => {
  it('defaults to tfjs-core settings', () => {
    const opt = adam();
    expect(opt.getState().config).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      epsilonHat: false,
    });
  });

  it.each([
    [{ learningRate: -0.1 }, /'learningRate' must be a finite number >= 0; got -0.1/],
    [{ beta1: 1 }, /'beta1' must be a finite number in \[0, 1\); got 1/],
    [{ beta2: -0.5 }, /'beta2' must be a finite number in \[0, 1\)/],
    [{ epsilon: 0 }, /'epsilon' must be a finite number > 0; got 0/],
    [{ learningRate: Number.NaN }, /'learningRate'/],
    [{ epsilonHat: 1 }, /'epsilonHat' must be true or false; got 1/],
    [{ lr: 0.1 }, /unknown option 'lr'. Known options: learningRate, beta1/],
  ])('rejects %o', (options, message) => {
    expect(() => adam(options as never)).toThrow(OptionError);
    expect(() => adam(options as never)).toThrow(message);
  });
});
