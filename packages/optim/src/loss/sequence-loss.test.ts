import { BACKENDS, initBackend } from '@rnnkit/backend';
import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, listVectors, loadVector, TOLERANCE } from '../../../../fixtures/reference.js';
import { OptionError, TargetRangeError } from '../errors.js';
import { worstErrors } from '../test-support/worst-errors.js';
import { checkTargets } from './check-inputs.js';
import { crossEntropy, sequenceLoss } from './sequence-loss.js';

const FILES = listVectors('seqloss_');
const worst = worstErrors('sequenceLoss');
afterAll(() => worst.report());

function inputs(v: { logits: number[][][]; targets: number[][]; weights: number[][] }) {
  return {
    logits: tf.tensor3d(v.logits),
    targets: tf.tensor2d(v.targets, undefined, 'int32'),
    weights: tf.tensor2d(v.weights),
  };
}

describe.each(BACKENDS)('sequenceLoss on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('finds the four seqloss vectors', () => {
    expect(FILES).toHaveLength(4);
  });

  it.each(FILES)('matches %s: loss, crossent, grad_logits, every averaging mode', (file) => {
    const v = loadVector(file);
    const { logits, targets, weights } = inputs(v);
    const check = (what: string, actual: tf.Tensor, expected: number[]) => {
      const err = expectClose(actual.dataSync(), expected, TOLERANCE.seqloss, `${file} ${what}`);
      worst.record(`${backend} ${what}`, err);
    };
    const loss = sequenceLoss(logits, targets, weights);
    expect(loss.shape).toEqual([]);
    check('loss', loss, v.loss);
    check('crossent', crossEntropy(logits, targets), v.crossent);
    const grad = tf.grad((x: tf.Tensor) => sequenceLoss(x as tf.Tensor3D, targets, weights))(
      logits,
    );
    check('grad_logits', grad, v.grad_logits);
    const modes = [
      ['loss_average_across_timesteps_only', { averageAcrossBatch: false }, [v.batch]],
      ['loss_average_across_batch_only', { averageAcrossTimesteps: false }, [v.time]],
      [
        'loss_no_averaging',
        { averageAcrossBatch: false, averageAcrossTimesteps: false },
        [v.batch, v.time],
      ],
    ] as const;
    for (const [key, options, shape] of modes) {
      const out = sequenceLoss(logits, targets, weights, options);
      expect(out.shape).toEqual(shape);
      check(key, out, v[key]);
    }
    check('plain_mean_crossent', sequenceLoss(logits, targets), v.plain_mean_crossent);
    tf.dispose([logits, targets, weights, loss, grad]);
  });

  it('differentiates every averaging mode: grad of sum(loss · c) by finite differences', () => {
    const v = loadVector('seqloss_fractional.json');
    const { logits, targets, weights } = inputs(v);
    for (const options of [
      { averageAcrossBatch: false },
      { averageAcrossTimesteps: false },
      { averageAcrossBatch: false, averageAcrossTimesteps: false },
    ]) {
      // A non-uniform upstream gradient, so the reshaping of dy is exercised.
      const f = (x: tf.Tensor) => {
        const loss = sequenceLoss(x as tf.Tensor3D, targets, weights, options);
        return tf.sum(tf.mul(loss, tf.reshape(tf.range(1, loss.size + 1), loss.shape)));
      };
      const grad = tf.grad(f)(logits).dataSync();
      // Central differences in float64 from the reference crossent formula.
      const expected = numericGrad(v, options);
      expectClose(grad, expected, { atol: 1e-5, rtol: 1e-4 }, JSON.stringify(options));
    }
  });

  it('gives 0, not NaN, for a fully masked sequence and for all-zero weights', () => {
    const v = loadVector('seqloss_mask.json');
    const { logits, targets, weights } = inputs(v);
    const perSequence = sequenceLoss(logits, targets, weights, { averageAcrossBatch: false });
    expect(perSequence.dataSync()[2]).toBe(0);
    const zero = tf.zerosLike(weights) as tf.Tensor2D;
    const [loss, grad] = tf.tidy(() => {
      const f = (x: tf.Tensor) => sequenceLoss(x as tf.Tensor3D, targets, zero);
      return [f(logits), tf.grad(f)(logits)];
    }) as [tf.Tensor, tf.Tensor];
    expect(loss.dataSync()[0]).toBe(0);
    expect(Array.from(grad.dataSync()).every((g) => g === 0)).toBe(true);
    tf.dispose([logits, targets, weights, perSequence, zero, loss, grad]);
  });

  it('needs no registered kernel gradients', () => {
    // Gradients of every op sequenceLoss runs forward; its own gradient must make them moot.
    const kernels = ['Max', 'Sub', 'Exp', 'Sum', 'Log', 'OneHot', 'Cast', 'Mul', 'Neg', 'Div']
      .concat(['Add', 'Reshape', 'Fill'])
      .map((name) => tf.getGradient(name))
      .filter((g) => g != null);
    for (const g of kernels) tf.unregisterGradient(g.kernelName);
    try {
      const v = loadVector('seqloss_ones.json');
      const { logits, targets, weights } = inputs(v);
      const grad = tf.grad((x: tf.Tensor) => sequenceLoss(x as tf.Tensor3D, targets, weights))(
        logits,
      );
      expectClose(grad.dataSync(), v.grad_logits, TOLERANCE.seqloss, 'grad without kernels');
      tf.dispose([logits, targets, weights, grad]);
    } finally {
      for (const g of kernels) tf.registerGradient(g);
    }
    expect(tf.getGradient('Sum')).not.toBeNull();
  });

  it('stays finite for huge logits and makes out-of-range targets NaN', () => {
    const logits = tf.tensor3d([
      [
        [1000, -1000, 0],
        [-500, 400, 800],
      ],
    ]);
    const ok = tf.tensor2d([[1, 0]], undefined, 'int32');
    const ce = crossEntropy(logits, ok).dataSync();
    expect(ce[0]).toBeCloseTo(2000, 2);
    expect(ce[1]).toBeCloseTo(1300, 2);
    const bad = tf.tensor2d([[3, -1]], undefined, 'int32');
    const nan = crossEntropy(logits, bad).dataSync();
    expect(Number.isNaN(nan[0]) && Number.isNaN(nan[1])).toBe(true);
    tf.dispose([logits, ok, bad]);
  });

  it('leaves no tensors behind in forward and backward', () => {
    const v = loadVector('seqloss_fractional.json');
    const { logits, targets, weights } = inputs(v);
    const step = () => {
      const { value, grads } = tf.variableGrads(() =>
        sequenceLoss(tf.mul(logits, w) as tf.Tensor3D, targets, weights),
      );
      tf.dispose([value, ...Object.values(grads)]);
    };
    const w = tf.variable(tf.scalar(1));
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, targets, weights, w]);
  });

  it('rejects wrong shapes and dtypes with a ShapeError that says what was expected', () => {
    const logits = tf.zeros([2, 3, 4]) as tf.Tensor3D;
    const targets = tf.zeros([2, 3], 'int32') as tf.Tensor2D;
    const bad = (f: () => unknown, message: RegExp) => expect(f).toThrow(message);
    bad(
      () => sequenceLoss(tf.zeros([2, 3]) as never, targets),
      /logits must be .* \[batch, time, classes\]; got float32 \[2, 3\]/,
    );
    bad(
      () => sequenceLoss(logits, tf.zeros([2, 3]) as tf.Tensor2D),
      /targets must be an int32 .* got float32 \[2, 3\]/,
    );
    bad(
      () => sequenceLoss(logits, tf.zeros([3, 2], 'int32') as tf.Tensor2D),
      /shape \[2, 3\].*got int32 \[3, 2\]/,
    );
    bad(
      () => sequenceLoss(logits, targets, tf.ones([2, 4]) as tf.Tensor2D),
      /weights must be .* \[2, 3\].*got float32 \[2, 4\]/,
    );
    expect(() => crossEntropy(logits, tf.zeros([2], 'int32') as never)).toThrow(ShapeError);
    expect(() =>
      sequenceLoss(logits, targets, undefined, { averageAcrossBatch: 'no' as never }),
    ).toThrow(OptionError);
    expect(() =>
      sequenceLoss(logits, targets, undefined, { averageAcrossTime: true } as never),
    ).toThrow(/unknown option 'averageAcrossTime'/);
    tf.dispose([logits, targets]);
  });
});

describe('checkTargets', () => {
  it('accepts ids in [0, V) and reports the first one outside', () => {
    const ok = tf.tensor2d([[0, 4]], undefined, 'int32');
    expect(() => checkTargets(ok, 5)).not.toThrow();
    const bad = tf.tensor2d(
      [
        [0, 4],
        [5, -1],
      ],
      undefined,
      'int32',
    );
    expect(() => checkTargets(bad, 5)).toThrow(TargetRangeError);
    expect(() => checkTargets(bad, 5)).toThrow(/target 5 at flat index 2 .* outside \[0, 5\)/);
    expect(() => checkTargets(tf.zeros([2]), 5)).toThrow(ShapeError);
    tf.dispose([ok, bad]);
  });
});

// Float64 reference for d/dlogits of Σ_k c_k loss_k, c_k = k + 1, used above.
function numericGrad(
  v: { logits: number[][][]; targets: number[][]; weights: number[][] },
  options: { averageAcrossBatch?: boolean; averageAcrossTimesteps?: boolean },
): number[] {
  const B = v.logits.length;
  const T = v.logits[0]?.length ?? 0;
  const byBatch = options.averageAcrossBatch ?? true;
  const byTime = options.averageAcrossTimesteps ?? true;
  const w = (b: number, t: number) => v.weights[b]?.[t] ?? 0;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const row = v.logits[b]?.[t] ?? [];
      const max = Math.max(...row);
      const z = row.reduce((s, x) => s + Math.exp(x - max), 0);
      let denom = 0;
      for (let bb = 0; bb < B; bb++) {
        for (let tt = 0; tt < T; tt++) {
          if ((byBatch || bb === b) && (byTime || tt === t)) denom += w(bb, tt);
        }
      }
      const k = byBatch ? (byTime ? 0 : t) : byTime ? b : b * T + t;
      const scale = ((k + 1) * w(b, t)) / (byBatch || byTime ? denom + 1e-12 : 1);
      row.forEach((x, c) => {
        out.push((Math.exp(x - max) / z - (c === v.targets[b]?.[t] ? 1 : 0)) * scale);
      });
    }
  }
  return out;
}
