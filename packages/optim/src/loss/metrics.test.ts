import { BACKENDS, initBackend } from '@rnnkit/backend';
import { ShapeError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, bitsPerChar, perplexity } from './metrics.js';

describe.each(BACKENDS)('accuracy on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  // argmax per step: [[2, 0, 1], [1, 1, 0]]
  const logits = () =>
    tf.tensor3d([
      [
        [0, 1, 2],
        [3, 1, 2],
        [0, 5, 1],
      ],
      [
        [0, 1, 0],
        [2, 9, 1],
        [7, 1, 2],
      ],
    ]);
  const targets = () =>
    tf.tensor2d(
      [
        [2, 0, 0],
        [1, 2, 0],
      ],
      undefined,
      'int32',
    );

  it('is the (weighted) fraction of argmax hits', () => {
    const [x, y] = [logits(), targets()];
    const plain = accuracy(x, y);
    expect(plain.shape).toEqual([]);
    expect(plain.dataSync()[0]).toBeCloseTo(4 / 6, 6);
    const w = tf.tensor2d([
      [1, 1, 0],
      [2, 0, 0],
    ]);
    expect(accuracy(x, y, w).dataSync()[0]).toBeCloseTo(1, 6);
    const half = tf.tensor2d([
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(accuracy(x, y, half).dataSync()[0]).toBeCloseTo(0, 6);
    const none = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(accuracy(x, y, none).dataSync()[0]).toBe(0);
    tf.dispose([x, y, plain, w, half, none]);
  });

  it('leaves no tensors behind and checks shapes', () => {
    const [x, y] = [logits(), targets()];
    const before = tf.memory().numTensors;
    accuracy(x, y).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => accuracy(x, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(ShapeError);
    expect(() => accuracy(x, y, tf.ones([3, 2]) as tf.Tensor2D)).toThrow(/accuracy: weights/);
    tf.dispose([x, y]);
  });
});

describe('bitsPerChar', () => {
  it('converts nats to bits: ln 2 nats is one bit, a uniform guess over V is log2(V)', () => {
    expect(bitsPerChar(Math.LN2)).toBe(1);
    expect(bitsPerChar(Math.log(5))).toBeCloseTo(Math.log2(5), 12);
    expect(bitsPerChar(0)).toBe(0);
  });
});

describe('perplexity', () => {
  it('is exp(nats): a uniform guess over V has perplexity V', () => {
    expect(perplexity(Math.log(5))).toBeCloseTo(5, 12);
    expect(perplexity(0)).toBe(1);
  });
});
