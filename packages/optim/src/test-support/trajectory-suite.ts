// The float64-trajectory and memory tests every optimizer without reference vectors runs,
// on both backends.
import { BACKENDS, initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../../../fixtures/reference.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { type Float64Run, gradAt } from './float64-optimizers.js';
import { worstErrors } from './worst-errors.js';

export const P0 = [0.5, -1.2, 0.3, 2.0, -0.7, 0.05];
const TOL = { atol: 1e-6, rtol: 1e-5 };

export type TrajectoryCase = [name: string, make: () => Optimizer, reference: () => Float64Run];

export function trajectorySuite(title: string, cases: TrajectoryCase[]): void {
  const worst = worstErrors(`${title} vs float64 JS`);
  afterAll(() => worst.report());

  describe.each(BACKENDS)(`${title} on %s`, (backend) => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    it.each(cases)('%s follows a float64 trajectory, lr changed midway', (name, make, ref) => {
      const opt = make();
      const expected = ref();
      const w = tf.variable(tf.tensor2d(P0, [2, 3]));
      let lr = opt.learningRate;
      for (let t = 1; t <= 12; t++) {
        if (t === 7) lr = opt.learningRate = lr / 4; // a schedule step: where lr enters matters
        const g = gradAt(t, P0.length);
        const grad = tf.tensor2d(g, [2, 3]);
        opt.applyGradients({ w }, { w: grad });
        grad.dispose();
        expected.step(g, lr);
        const err = expectClose(w.dataSync(), expected.params, TOL, `${name} t=${t}`);
        worst.record(`${backend} ${name}`, err);
      }
      opt.dispose();
      w.dispose();
    });

    it.each(cases)('%s keeps tf.memory().numTensors flat over 100 steps', (_, make) => {
      const opt = make();
      const w = tf.variable(tf.ones([4, 5]));
      const grad = tf.fill([4, 5], 0.01);
      opt.applyGradients({ w }, { w: grad });
      const before = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) opt.applyGradients({ w }, { w: grad });
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      tf.dispose([w, grad]);
    });
  });
}
