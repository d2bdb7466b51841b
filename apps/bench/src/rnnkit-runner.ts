import { setSimdEnabled } from '@rnnkit/core/simd';
import { adam } from '@rnnkit/optim';
import {
  createCharLM,
  createSampler,
  createTrainer,
  disposeCharLM,
  trainStep,
} from '@rnnkit/trainer';
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

/** `rnnkitRunner` with rnnkit's SIMD kernels turned off for its steps: the plain-JS A/B. */
export function rnnkitNoSimdRunner(c: BenchConfig): Runner {
  const r = rnnkitRunner(c);
  return {
    step: () => {
      setSimdEnabled(false);
      try {
        return r.step();
      } finally {
        setSimdEnabled(true);
      }
    },
    dispose: r.dispose,
  };
}

/**
 * rnnkit training with `workers` threads (data parallel): the trainer's own loop, one update
 * per step (Adam, no clipping, no evaluation), on a text of VOCAB distinct characters.
 */
export function rnnkitWorkersRunner(c: BenchConfig, workers: number): Runner {
  const windows = 8;
  const ids = randomIds(c.batch * (windows * c.seqLength + 1), VOCAB, 1);
  const chars = String.fromCharCode(...Array.from({ length: VOCAB }, (_, i) => 48 + i));
  // Every character appears, so the vocabulary is VOCAB wide.
  const text = chars + Array.from(ids, (i) => chars[i]).join('');
  const trainer = createTrainer(text, {
    cell: c.cell,
    hiddenSize: c.hidden,
    numLayers: c.layers,
    batchSize: c.batch,
    seqLength: c.seqLength,
    clipNorm: null,
    valFraction: 0,
    sampleLength: 0,
    steps: 1_000_000_000,
    evalEvery: 1_000_000_000,
    workers,
  });
  const run = trainer.run();
  return {
    step: async () => {
      const e = await run.next();
      if (e.done || e.value.type !== 'step') throw new Error('the trainer stopped');
      return c.batch * c.seqLength;
    },
    dispose: () => {
      void run.return(undefined);
      trainer.dispose();
    },
  };
}
