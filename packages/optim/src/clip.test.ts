import { BACKENDS, initBackend } from '@rnnkit/backend';
import { setSimdEnabled } from '@rnnkit/core/simd';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, loadVector, type Nested, TOLERANCE } from '../../../fixtures/reference.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import { OptionError } from './errors.js';
import { worstErrors } from './test-support/worst-errors.js';

interface ClipCase {
  name: string;
  clip_norm: number;
  tensors: Nested[];
  shapes: number[][];
  global_norm: number;
  scale: number;
  clipped: Nested[];
}

const CASES: ClipCase[] = loadVector('clip_global_norm.json').cases;
const worst = worstErrors('clipByGlobalNorm');
afterAll(() => worst.report());

describe.each(BACKENDS)('clipByGlobalNorm on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(CASES.map((c) => [c.name, c] as const))('matches %s', (name, c) => {
    const tensors = c.tensors.map((t, i) => tf.tensor(t as number[], c.shapes[i]));
    const { clipped, globalNorm: norm } = clipByGlobalNorm(tensors, c.clip_norm);
    const tol = TOLERANCE.clip;
    const normValue = norm.dataSync()[0] as number;
    worst.record(`${backend} global_norm`, expectClose([normValue], c.global_norm, tol, name));
    // The scale is not returned; recover it the way the formula defines it.
    const scale = c.clip_norm / Math.max(normValue, c.clip_norm);
    worst.record(`${backend} scale`, expectClose([scale], c.scale, tol, `${name} scale`));
    clipped.forEach((t, i) => {
      expect(t.shape).toEqual(c.shapes[i]);
      const err = expectClose(t.dataSync(), c.clipped[i] as Nested, tol, `${name} clipped[${i}]`);
      worst.record(`${backend} clipped`, err);
    });
    if (c.name === 'clip_below' || c.name === 'clip_zero') {
      // Unchanged bit for bit: the scale is exactly 1, never 0/0.
      clipped.forEach((t, i) => {
        expect(Array.from(t.dataSync())).toEqual(Array.from(tensors[i]?.dataSync() ?? []));
      });
    }
    tf.dispose([...tensors, ...clipped, norm]);
  });

  it('keeps the names of a record and leaves no tensors behind', () => {
    const c = CASES[0] as ClipCase;
    const grads = Object.fromEntries(
      c.tensors.map((t, i) => [`p${i}`, tf.tensor(t as number[], c.shapes[i])]),
    );
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const { clipped, globalNorm: norm } = clipByGlobalNorm(grads, c.clip_norm);
      expect(Object.keys(clipped)).toEqual(Object.keys(grads));
      tf.dispose([...Object.values(clipped), norm]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const norm = globalNorm(grads);
    expectClose(norm.dataSync(), c.global_norm, TOLERANCE.clip, 'globalNorm of a record');
    tf.dispose([...Object.values(grads), norm]);
  });
});

describe('clipByGlobalNorm edge cases', () => {
  it('gives a zero norm for an empty list', () => {
    const norm = globalNorm([]);
    expect(norm.dataSync()[0]).toBe(0);
    const { clipped } = clipByGlobalNorm([], 1);
    expect(clipped).toEqual([]);
    norm.dispose();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects clipNorm %s', (clipNorm) => {
    expect(() => clipByGlobalNorm([tf.ones([2])], clipNorm)).toThrow(OptionError);
    expect(() => clipByGlobalNorm([tf.ones([2])], clipNorm)).toThrow(
      /clipByGlobalNorm: option 'clipNorm' must be a finite number > 0/,
    );
  });
});

describe.each(BACKENDS)('globalNorm kernel on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });
  afterAll(() => setSimdEnabled(true));

  it.each([true, false])('equals the float64 norm of odd-sized tensors (SIMD %s)', (simd) => {
    setSimdEnabled(simd);
    const sizes = [1, 7, 130, 1025];
    const data = sizes.map((n, t) =>
      Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + t) * (t + 1)),
    );
    let want = 0;
    for (const d of data) for (const x of d) want += x * x;
    const tensors = data.map((d) => tf.tensor1d(d));
    const before = tf.memory().numTensors;
    const norm = globalNorm(tensors);
    expect(norm.dtype).toBe('float32');
    expect(norm.dataSync()[0]).toBeCloseTo(Math.sqrt(want), 4);
    expect(norm.dataSync()[0]).toBe(Math.fround(Math.sqrt(want)));
    norm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(tensors);
  });
});
