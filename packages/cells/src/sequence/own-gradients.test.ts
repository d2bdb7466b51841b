// rnnkit's differentiable functions record only nodes that carry their own gradient, so they
// train even where tfjs-core's kernel gradients are not registered (plain Node loads its
// CommonJS build, which registers none).
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRecurrent } from '../create-recurrent.js';
import { createEmbedding, embed } from '../layers/embedding.js';
import { applyLinear, createLinear } from '../layers/linear.js';
import { disposeRecurrent } from '../recurrent.js';
import { BACKENDS } from '../test-support/backends.js';
import { runRecurrent } from './run-recurrent.js';

/** Kernel names of the tape nodes `f` records. */
function recorded(f: () => void): string[] {
  const tape = () =>
    (tf.engine().state as unknown as { activeTape: { kernelName: string }[] }).activeTape;
  const before = tape().length;
  f();
  return tape()
    .slice(before)
    .map((node) => node.kernelName);
}

describe.each(BACKENDS)('own gradients on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: embed → runRecurrent → applyLinear needs no kernel gradient',
    (cell) => {
      const rec = createRecurrent({ cell, inputSize: 4, hiddenSize: 3, numLayers: 2 });
      const emb = createEmbedding(5, 4);
      const fc = createLinear(3, 5);
      const tapeFor = (time: number) => {
        const ids = tf.tensor2d(
          [Array.from({ length: time }, (_, t) => t % 5)],
          [1, time],
          'int32',
        );
        let names: string[] = [];
        const { value, grads } = tf.variableGrads(() => {
          let logits: tf.Tensor = tf.scalar(0);
          names = recorded(() => {
            const run = runRecurrent(rec, embed(emb, ids), { seqLengths: [time - 1] });
            logits = applyLinear(fc, run.outputs);
          });
          return tf.sum(logits) as tf.Scalar;
        });
        expect(Object.keys(grads)).toHaveLength(8 + 1 + 2);
        tf.dispose([ids, value, ...Object.values(grads)]);
        return names;
      };
      const short = tapeFor(3);
      // Only rnnkit's own nodes (customGrads and the copies they save), and as many for 9 steps
      // as for 3: the steps live inside the custom gradient, not on tfjs's tape.
      expect(short.filter((name) => tf.getGradient(name) != null)).toEqual([]);
      expect(tapeFor(9)).toEqual(short);
      tf.dispose([emb.weight, fc.weight, fc.bias]);
      disposeRecurrent(rec);
    },
  );
});
