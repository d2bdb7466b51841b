import { adam } from '@rnnkit/optim';
import { createCharLM, createSampler, disposeCharLM, trainStep } from '@rnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { type BenchConfig, VOCAB } from './configs.js';
import type { Step } from './measure.js';
import { randomIds } from './random-ids.js';

/** A prepared run of one configuration, and how to free it. */
export interface Runner {
  step: Step;
  dispose(): void;
}

/** rnnkit: `trainStep` (Adam, no clipping) or `createSampler().next()` on the char LM. */
export function rnnkitRunner(c: BenchConfig): Runner {
  const model = createCharLM(
    { vocabSize: VOCAB, cell: c.cell, hiddenSize: c.hidden, numLayers: c.layers },
    { seed: 0 },
  );
  if (c.suite === 'sample') {
    const sampler = createSampler(model, { seed: 0 });
    sampler.prime(randomIds(16, VOCAB, 3));
    const chars = 50;
    return {
      step: () => {
        for (let i = 0; i < chars; i++) sampler.next();
        return chars;
      },
      dispose: () => {
        sampler.dispose();
        disposeCharLM(model);
      },
    };
  }
  const ids = randomIds(c.batch * (c.seqLength + 1), VOCAB, 1);
  const data = tf.tensor2d(ids, [c.batch, c.seqLength + 1], 'int32');
  const x = tf.slice(data, [0, 0], [c.batch, c.seqLength]) as tf.Tensor2D;
  const y = tf.slice(data, [0, 1], [c.batch, c.seqLength]) as tf.Tensor2D;
  const optimizer = adam({ learningRate: 0.002 });
  return {
    step: () => {
      const r = trainStep(model, optimizer, x, y);
      r.loss.dataSync(); // wait for the step, as a training loop that logs would
      tf.dispose([r.loss, r.gradNorm, r.state.h, r.state.c as tf.Tensor]);
      return c.batch * c.seqLength;
    },
    dispose: () => {
      tf.dispose([data, x, y]);
      optimizer.dispose();
      disposeCharLM(model);
    },
  };
}
