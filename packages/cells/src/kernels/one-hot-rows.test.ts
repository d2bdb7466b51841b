// rnnkit's float32 one-hot kernel against tfjs's OneHot + Cast, out-of-range ids included.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test-support/backends.js';
import { oneHotRows } from './one-hot-rows.js';

describe.each(BACKENDS)('oneHotRows on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('writes float32 one-hot rows, all zero for ids outside [0, depth)', () => {
    const ids = tf.tensor2d(
      [
        [0, 4, 2],
        [5, -1, 3],
      ],
      [2, 3],
      'int32',
    );
    // a fresh wasm output is not zeroed: dirty the heap first with a freed tensor
    tf.dispose(tf.fill([2, 3, 5], 7));
    const before = tf.memory().numTensors;
    const got = oneHotRows(ids, 5);
    expect(got.dtype).toBe('float32');
    expect(got.shape).toEqual([2, 3, 5]);
    const want = tf.tidy(() => tf.cast(tf.oneHot(ids, 5), 'float32'));
    expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    expect(Array.from(got.dataSync()).slice(15, 20)).toEqual([0, 0, 0, 0, 0]); // id 5
    tf.dispose([got, want]);
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
  });
});
