// Data-parallel training must give the one-thread result (to float rounding), repeat bit for
// bit with the same worker count, and checkpoint and resume whatever the counts. The workers
// run from the package's build output (`pnpm build` first, as `pnpm test` does).
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  charLMParams,
  createTrainer,
  deserializeCheckpoint,
  resumeTrainer,
  serializeCheckpoint,
  type TrainEvent,
  type Trainer,
  type TrainOptions,
} from '../../index.js';
import { generatedText } from '../../test-support/generated-text.js';
import { resolveTrainConfig } from '../train-config.js';
import { autoWorkers } from './auto-workers.js';

const TEXT = generatedText(3000);
const TINY: TrainOptions = {
  hiddenSize: 8,
  numLayers: 2,
  batchSize: 6,
  seqLength: 8,
  learningRate: 0.01,
  evalEvery: 1000,
  sampleLength: 0,
  seed: 5,
};

async function collect(trainer: Trainer, signal?: AbortSignal): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  for await (const e of trainer.run({ signal })) events.push(e);
  return events;
}

const weightsOf = (t: Trainer) =>
  Object.fromEntries(
    Object.entries(charLMParams(t.model)).map(([k, v]) => [k, Float32Array.from(v.dataSync())]),
  );

async function train(options: TrainOptions) {
  const t = createTrainer(TEXT, options);
  const events = await collect(t);
  const weights = weightsOf(t);
  const workers = t.workers;
  t.dispose();
  return { events, weights, workers };
}

/** Largest |a - b| over largest |a|, per tensor, worst tensor. */
function relativeDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  let worst = 0;
  for (const [k, x] of Object.entries(a)) {
    const y = b[k] as Float32Array;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < x.length; i++) {
      diff = Math.max(diff, Math.abs((x[i] as number) - (y[i] as number)));
      scale = Math.max(scale, Math.abs(x[i] as number));
    }
    worst = Math.max(worst, diff / scale);
  }
  return worst;
}

describe('data-parallel training on cpu', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('matches one thread after 100 steps and repeats bit for bit', async () => {
    const options = { ...TINY, steps: 100 };
    const one = await train({ ...options, workers: 1 });
    const two = await train({ ...options, workers: 2 });
    const again = await train({ ...options, workers: 2 });
    const three = await train({ ...options, workers: 3 });
    expect([one.workers, two.workers, three.workers]).toEqual([1, 2, 3]);
    expect(relativeDiff(one.weights, two.weights)).toBeLessThan(1e-5);
    expect(relativeDiff(one.weights, three.weights)).toBeLessThan(1e-5);
    expect(again.weights).toEqual(two.weights);
    const losses = (r: { events: TrainEvent[] }) =>
      r.events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
    expect(losses(again)).toEqual(losses(two));
    expect(losses(two)[99]).toBeCloseTo(losses(one)[99] as number, 5);
  }, 120_000);

  it('draws dropout masks as one thread does', async () => {
    const options = { ...TINY, steps: 30, dropout: 0.3, cell: 'gru' as const };
    const one = await train({ ...options, workers: 1 });
    const two = await train({ ...options, workers: 2 });
    expect(relativeDiff(one.weights, two.weights)).toBeLessThan(1e-5);
  }, 60_000);

  it('checkpoints resume with any worker count', async () => {
    const options = { ...TINY, steps: 20 };
    const straight = await train({ ...options, workers: 2 });
    const a = createTrainer(TEXT, { ...options, workers: 2 });
    const controller = new AbortController();
    for await (const e of a.run({ signal: controller.signal })) {
      if (e.type === 'step' && e.step === 10) controller.abort();
    }
    const saved = a.checkpoint();
    expect(saved.training?.carried?.h.shape).toEqual([2, 6, 8]);
    expect(saved.training?.config).not.toHaveProperty('workers');
    const artifacts = serializeCheckpoint(saved);
    a.dispose();
    const resumed = async (workers: number) => {
      const b = resumeTrainer(TEXT, deserializeCheckpoint(artifacts), { workers });
      await collect(b);
      const w = weightsOf(b);
      b.dispose();
      return w;
    };
    expect(await resumed(2)).toEqual(straight.weights);
    expect(relativeDiff(straight.weights, await resumed(1))).toBeLessThan(1e-5);
  }, 60_000);

  it('evaluates and samples from the updated weights, without leaking tensors', async () => {
    const options = { ...TINY, steps: 6, evalEvery: 3, sampleLength: 12, cell: 'rnn' as const };
    const one = await train({ ...options, workers: 1 });
    const before = tf.memory().numTensors;
    const two = await train({ ...options, workers: 2 });
    expect(tf.memory().numTensors).toBe(before);
    const evals = (r: { events: TrainEvent[] }) => r.events.filter((e) => e.type === 'eval');
    expect(evals(two)).toHaveLength(2);
    for (const [i, e] of evals(two).entries()) {
      const o = evals(one)[i];
      if (e.type !== 'eval' || o?.type !== 'eval') throw new Error('eval events expected');
      expect(e.valLoss).toBeCloseTo(o.valLoss as number, 5);
      expect(e.sample).toHaveLength(12);
    }
  }, 60_000);

  it("resolves 'auto' to at most the cores, and 1 for a tiny model", async () => {
    const t = createTrainer(TEXT, { ...TINY, steps: 1, workers: 'auto' });
    await collect(t);
    expect(t.workers).toBe(1);
    t.dispose();
    expect(() => createTrainer(TEXT, { ...TINY, workers: 0 })).toThrow(ConfigError);
    expect(() => createTrainer(TEXT, { ...TINY, workers: 1.5 })).toThrow(ConfigError);
  });
});

describe('data-parallel training on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('starts wasm workers and matches one thread', async () => {
    const options = { ...TINY, steps: 10, cell: 'gru' as const };
    const one = await train({ ...options, workers: 1 });
    const two = await train({ ...options, workers: 2 });
    expect(two.workers).toBe(2);
    expect(relativeDiff(one.weights, two.weights)).toBeLessThan(1e-5);
  }, 60_000);
});

describe("workers: 'auto'", () => {
  const config = (o: TrainOptions) => resolveTrainConfig(o, 100);
  it('uses the cores for a model worth splitting, never more, and one for a tiny one', () => {
    const big = config({ hiddenSize: 128, numLayers: 1, batchSize: 32, seqLength: 64 });
    expect(autoWorkers(big, 2, 65)).toBe(2);
    expect(autoWorkers(big, 1, 65)).toBe(1);
    expect(autoWorkers(big, 64, 65)).toBe(8); // at least 4 streams per worker
    expect(autoWorkers(config({ ...TINY }), 2, 65)).toBe(1);
    // Either side of the measured cutoff: 2 threads lose below about 3M multiply-adds a step
    // and gain from about 6M.
    const tiny = config({ hiddenSize: 16, numLayers: 2, batchSize: 8, seqLength: 16 });
    const small = config({
      cell: 'lstm',
      hiddenSize: 32,
      numLayers: 1,
      batchSize: 16,
      seqLength: 32,
    });
    const gaining = config({
      cell: 'rnn',
      hiddenSize: 32,
      numLayers: 1,
      batchSize: 32,
      seqLength: 64,
    });
    expect([tiny, small, gaining].map((c) => autoWorkers(c, 2, 65))).toEqual([1, 1, 2]);
    // The standard configuration, LSTM h256x2 B32 T64, and the CLI's default model.
    const standard = config({ hiddenSize: 256, numLayers: 2, batchSize: 32, seqLength: 64 });
    expect(autoWorkers(standard, 2, 65)).toBe(2);
    expect(autoWorkers(config({}), 2, 65)).toBe(2);
  });
});
