import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../errors.js';
import { rmspropFloat64 } from '../test-support/float64-optimizers.js';
import { P0, trajectorySuite } from '../test-support/trajectory-suite.js';
import { rmsprop } from './rmsprop.js';

const KERAS = { decay: 0.9, momentum: 0, epsilon: 1e-7, centered: false };

trajectorySuite('rmsprop', [
  ['plain', () => rmsprop({ learningRate: 0.01 }), () => rmspropFloat64(P0, KERAS)],
  [
    'momentum',
    () => rmsprop({ learningRate: 0.01, momentum: 0.9 }),
    () => rmspropFloat64(P0, { ...KERAS, momentum: 0.9 }),
  ],
  [
    'centered',
    () => rmsprop({ learningRate: 0.01, centered: true }),
    () => rmspropFloat64(P0, { ...KERAS, centered: true }),
  ],
  [
    'momentum centered, rho 0.8, eps 1e-6',
    () => rmsprop({ learningRate: 0.01, decay: 0.8, momentum: 0.5, centered: true, epsilon: 1e-6 }),
    () => rmspropFloat64(P0, { decay: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true }),
  ],
]);

describe('rmsprop by hand', () => {
  it('puts epsilon under the root: lr 0.01, rho 0.9, g = 1 → p = -0.01 / sqrt(0.1 + 1e-7)', () => {
    const opt = rmsprop({ learningRate: 0.01 });
    const p = tf.variable(tf.zeros([1]));
    const g = tf.ones([1]);
    opt.applyGradients({ p }, { p: g });
    expect(p.dataSync()[0]).toBeCloseTo(-0.01 / Math.sqrt(0.1 + 1e-7), 7);
    expect(Object.keys(opt.getState().slots.p ?? {})).toEqual(['meanSquare']);
    opt.dispose();
    tf.dispose([p, g]);
  });

  it('keeps meanSquare, momentum and meanGrad slots as configured', () => {
    const opt = rmsprop({ momentum: 0.5, centered: true });
    const p = tf.variable(tf.zeros([3]));
    const g = tf.ones([3]);
    opt.applyGradients({ p }, { p: g });
    expect(Object.keys(opt.getState().slots.p ?? {}).sort()).toEqual([
      'meanGrad',
      'meanSquare',
      'momentum',
    ]);
    // Centered: lr·g / sqrt(ms - mg² + eps) with ms - mg² = 0.1 - 0.01 at step 1.
    expect(p.dataSync()[0]).toBeCloseTo(-0.001 / Math.sqrt(0.09 + 1e-7), 7);
    opt.dispose();
    tf.dispose([p, g]);
  });

  it.each([
    [{ decay: 1 }, /'decay' must be a finite number in \[0, 1\); got 1/],
    [{ epsilon: -1e-7 }, /'epsilon' must be a finite number > 0/],
    [{ centered: 'yes' }, /'centered' must be true or false; got 'yes'/],
    [{ rho: 0.9 }, /unknown option 'rho'. Known options: learningRate, decay, momentum/],
  ])('rejects %o', (options, message) => {
    expect(() => rmsprop(options as never)).toThrow(OptionError);
    expect(() => rmsprop(options as never)).toThrow(message);
  });
});
