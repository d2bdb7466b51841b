// Each task demo frees everything it made: a short run leaves the tensor count where it was.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTask, TASK_NAMES } from './run-task.js';

describe('task demos on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each(TASK_NAMES)(
    '%s leaks no tensors',
    (name) => {
      const io = { out: () => {}, err: () => {} };
      const warmUp = runTask(io, name, { seed: 1, steps: 2 }); // backends may allocate once
      const before = tf.memory().numTensors;
      const result = runTask(io, name, { seed: 1, steps: 2 });
      expect(tf.memory().numTensors).toBe(before);
      // The second run really trained and scored: the same seed gives the same metric.
      expect(result.value).toBe(warmUp.value);
      expect(result.value).toBeLessThanOrEqual(1);
    },
    60_000,
  );
});
