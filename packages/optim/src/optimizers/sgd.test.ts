import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { OptionError } from '../errors.js';
import { sgdFloat64 } from '../test-support/float64-optimizers.js';
import { P0, trajectorySuite } from '../test-support/trajectory-suite.js';
import { sgd } from './sgd.js';

trajectorySuite('sgd', [
  ['sgd', () => sgd({ learningRate: 0.1 }), () => sgdFloat64(P0, 0, false)],
  ['momentum', () => sgd({ learningRate: 0.1, momentum: 0.9 }), () => sgdFloat64(P0, 0.9, false)],
  [
    'nesterov',
    () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
    () => sgdFloat64(P0, 0.9, true),
  ],
]);

describe('sgd by hand', () => {
  it('momentum 0.9, lr 0.1, g = 1: p = -0.1, -0.29; nesterov: -0.19, -0.461', () => {
    for (const [nesterov, want] of [
      [false, [-0.1, -0.29]],
      [true, [-0.19, -0.461]],
    ] as const) {
      const opt = sgd({ learningRate: 0.1, momentum: 0.9, nesterov });
      const p = tf.variable(tf.zeros([1]));
      const g = tf.ones([1]);
      for (const value of want) {
        opt.applyGradients({ p }, { p: g });
        expect(p.dataSync()[0]).toBeCloseTo(value, 6);
      }
      expect(Array.from(opt.getState().slots.p?.momentum ?? [])).toEqual([Math.fround(1.9)]);
      opt.dispose();
      tf.dispose([p, g]);
    }
  });

  it('keeps no slots without momentum', () => {
    const opt = sgd();
    const p = tf.variable(tf.zeros([2]));
    const g = tf.ones([2]);
    opt.applyGradients({ p }, { p: g });
    expect(opt.getState().slots).toEqual({});
    expect(Array.from(p.dataSync())).toEqual([-0.01, -0.01].map(Math.fround));
    opt.dispose();
    tf.dispose([p, g]);
  });

  it.each([
    [{ learningRate: -1 }, /'learningRate' must be a finite number >= 0; got -1/],
    [{ momentum: 1.5 }, /'momentum' must be a finite number in \[0, 1\]; got 1.5/],
    [{ nesterov: true }, /'nesterov' needs 'momentum' > 0/],
    [{ momentum: '0.9' }, /'momentum' must be a finite number in \[0, 1\]; got '0.9'/],
  ])('rejects %o', (options, message) => {
    expect(() => sgd(options as never)).toThrow(OptionError);
    expect(() => sgd(options as never)).toThrow(message);
  });
});
