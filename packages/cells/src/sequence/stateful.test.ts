import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS, randomTensor } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';
import { createStateful } from './stateful.js';

describe.each(BACKENDS)('createStateful on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('two chunks give what one call on the whole gives; resetStates starts over', () => {
    const rec = createRecurrent(
      {
        cell: 'gru',
        inputSize: 3,
        hiddenSize: 4,
        numLayers: 2,
        resetAfter: false,
        recurrentActivation: 'hardSigmoid',
      },
      { seed: 2 },
    );
    const x = randomTensor([2, 6, 3], createRng(1)) as tf.Tensor3D;
    const whole = runRecurrent(rec, x);
    const s = createStateful(rec);
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
    const parts = [0, 3].map((t) => tf.slice(x, [0, t, 0], [2, 3, 3]) as tf.Tensor3D);
    const outs = parts.map((p) => s.run(p));
    const joined = tf.concat(outs, 1);
    expect(maxDiff(joined, whole.outputs)).toBeLessThan(1e-6);
    expect(maxDiff(s.state?.h as tf.Tensor, whole.state.h)).toBeLessThan(1e-6);
    const before = tf.memory().numTensors;
    s.resetStates();
    expect(s.state).toBeUndefined();
    const again = s.run(parts[0] as tf.Tensor3D);
    expect(maxDiff(again, outs[0] as tf.Tensor)).toBe(0);
    // The reset dropped the old state, the new call added its outputs and its state.
    expect(tf.memory().numTensors).toBe(before - 1 + 2);
    tf.dispose([again, joined, ...outs, ...parts]);
    s.dispose();
    tf.dispose([x, whole.outputs, whole.state.h]);
    disposeRecurrent(rec);
  });
});
