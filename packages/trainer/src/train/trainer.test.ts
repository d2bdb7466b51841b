import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createTrainer,
  deserializeCheckpoint,
  resumeTrainer,
  serializeCheckpoint,
  type TrainEvent,
  TrainingDataError,
  TrainingDivergedError,
  type TrainOptions,
} from '../index.js';
import { collectEvents as collect } from '../test-support/collect-events.js';
import { generatedText } from '../test-support/generated-text.js';

const TEXT = generatedText(3000);
const TINY: TrainOptions = {
  hiddenSize: 16,
  numLayers: 2,
  batchSize: 4,
  seqLength: 16,
  learningRate: 0.01,
  evalEvery: 5,
  sampleLength: 20,
  seed: 3,
};

const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
const evals = (events: TrainEvent[]) => events.filter((e) => e.type === 'eval');

/** Trains `first` steps, checkpoints through the serialized format, resumes to `total`. */
async function interruptedRun(options: TrainOptions, first: number, total: number) {
  const a = createTrainer(TEXT, { ...options, steps: total });
  const controller = new AbortController();
  const events: TrainEvent[] = [];
  for await (const e of a.run({ signal: controller.signal })) {
    events.push(e);
    if (e.type === 'step' && e.step === first) controller.abort();
  }
  expect(events.at(-1)).toEqual({ type: 'end', reason: 'aborted', step: first });
  const { modelJson, weightData } = serializeCheckpoint(a.checkpoint());
  a.dispose();
  const json = JSON.parse(JSON.stringify(modelJson));
  const b = resumeTrainer(TEXT, deserializeCheckpoint({ modelJson: json, weightData }));
  expect(b.step).toBe(first);
  events.push(...(await collect(b)));
  b.dispose();
  return events.filter((e) => e.type !== 'end');
}

describe('trainer on cpu', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('trains, evaluates and samples, with the loss falling and no tensor leaks', async () => {
    const before = tf.memory().numTensors;
    const trainer = createTrainer(TEXT, { ...TINY, steps: 40, evalEvery: 20 });
    const events: TrainEvent[] = [];
    const counts: number[] = [];
    for await (const e of trainer.run()) {
      events.push(e);
      counts.push(tf.memory().numTensors);
    }
    // Flat from the first step on (Adam's slots and the carried state exist from then).
    expect(new Set(counts).size).toBe(1);
    const steps = losses(events);
    expect(steps).toHaveLength(40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(steps.slice(-5))).toBeLessThan(mean(steps.slice(0, 5)) - 0.15);
    const [first, last] = evals(events);
    expect(first).toMatchObject({ step: 20, best: true });
    expect(last).toMatchObject({ step: 40, steps: 40 });
    if (last?.type !== 'eval') throw new Error('no eval');
    expect(last.valBpc).toBeCloseTo((last.valLoss as number) / Math.LN2, 12);
    expect(last.valPerplexity).toBeCloseTo(Math.exp(last.valLoss as number), 10);
    expect(last.sample).toHaveLength(20);
    expect(events.at(-1)).toEqual({ type: 'end', reason: 'completed', step: 40 });
    expect(trainer.checkpoint().training?.history.map((h) => h.step)).toEqual([20, 40]);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes exactly: an interrupted run repeats the uninterrupted losses bit for bit', async () => {
    const whole = await collect(createTrainer(TEXT, { ...TINY, steps: 14 }));
    const uninterrupted = whole.filter((e) => e.type !== 'end');
    const resumed = await interruptedRun(TINY, 7, 14);
    // Samples and every loss, including validation, match; only the timings differ.
    const strip = (e: TrainEvent) =>
      e.type === 'step'
        ? { ...e, charsPerSec: 0, etaSeconds: 0 }
        : e.type === 'eval'
          ? { ...e, charsPerSec: 0, elapsedSeconds: 0 }
          : e;
    expect(resumed.map(strip)).toEqual(uninterrupted.map(strip));
  });

  it('resumes exactly across an epoch boundary, with dropout, cosine schedule and GRU', async () => {
    const options: TrainOptions = {
      ...TINY,
      cell: 'gru',
      dropout: 0.3,
      schedule: 'cosine',
      seqLength: 32,
      batchSize: 8,
    };
    const trainer = createTrainer(TEXT, { ...options, steps: 1 });
    const perEpoch = trainer.windowsPerEpoch;
    trainer.dispose();
    const total = perEpoch + 3;
    const whole = losses(await collect(createTrainer(TEXT, { ...options, steps: total })));
    const resumed = losses(await interruptedRun(options, perEpoch - 1, total));
    expect(resumed).toEqual(whole);
  });

  it('stops between steps when the signal fires, and can run on afterwards', async () => {
    const trainer = createTrainer(TEXT, { ...TINY, steps: 6 });
    const controller = new AbortController();
    controller.abort();
    expect(await collect(trainer, controller.signal)).toEqual([
      { type: 'end', reason: 'aborted', step: 0 },
    ]);
    expect(losses(await collect(trainer))).toHaveLength(6);
    trainer.dispose();
  });

  it('lets timers run between steps (never blocks the event loop for more than a step)', async () => {
    const trainer = createTrainer(TEXT, { ...TINY, steps: 10, evalEvery: 100 });
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 0);
    let stepsSeen = 0;
    let ticksAtStep = 0;
    for await (const e of trainer.run()) {
      if (e.type !== 'step') continue;
      if (stepsSeen > 0) expect(ticks).toBeGreaterThan(ticksAtStep);
      ticksAtStep = ticks;
      stepsSeen += 1;
      // Make sure a timer is due before the next step starts.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    clearInterval(timer);
    trainer.dispose();
    expect(stepsSeen).toBe(10);
  });

  it('stops on an exploding or NaN loss and refuses to checkpoint the damaged weights', async () => {
    const trainer = createTrainer(TEXT, {
      ...TINY,
      optimizer: 'sgd',
      learningRate: 1e4,
      clipNorm: null,
      steps: 50,
    });
    await expect(collect(trainer)).rejects.toThrow(TrainingDivergedError);
    await expect(
      collect(
        createTrainer(TEXT, {
          ...TINY,
          learningRate: 1e4,
          optimizer: 'sgd',
          clipNorm: null,
          steps: 50,
        }),
      ),
    ).rejects.toThrow(/exploded|NaN|Infinity/);
    expect(() => trainer.checkpoint()).toThrow(TrainingDivergedError);
    trainer.dispose();
  });

  it('rejects nonsense options and text too short for one batch, naming what to lower', () => {
    for (const bad of [
      { hiddenSize: 0 },
      { batchSize: -1 },
      { learningRate: Number.NaN },
      { numLayers: 1.5 },
      { dropout: 1 },
      { valFraction: 1 },
      { steps: 10, epochs: 1 },
      { dropout: 0.5, numLayers: 1 },
    ]) {
      expect(() => createTrainer(TEXT, bad)).toThrow(ConfigError);
    }
    expect(() => createTrainer('abc', { batchSize: 4, seqLength: 16 })).toThrow(TrainingDataError);
    expect(() => createTrainer(TEXT.slice(0, 200), { batchSize: 32, seqLength: 16 })).toThrow(
      /batch size \(--batch\) to at most/,
    );
    expect(() => createTrainer(TEXT.slice(0, 200), { batchSize: 1, seqLength: 500 })).toThrow(
      /sequence length \(--seq-length\) to at most/,
    );
    expect(() => createTrainer('', {})).toThrow(TrainingDataError);
  });

  it('refuses to resume on text with characters outside the vocabulary', async () => {
    const trainer = createTrainer(TEXT, { ...TINY, steps: 1 });
    const checkpoint = trainer.checkpoint();
    trainer.dispose();
    const before = tf.memory().numTensors;
    expect(() => resumeTrainer(`${TEXT}Z`, checkpoint)).toThrow(
      /character the checkpoint's vocabulary lacks: Unknown character 'Z' \(U\+005A\)/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainer on wasm', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('trains with dropout and evaluates, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const trainer = createTrainer(TEXT, { ...TINY, dropout: 0.2, steps: 4, evalEvery: 2 });
    const events = await collect(trainer);
    expect(losses(events)).toHaveLength(4);
    expect(evals(events)).toHaveLength(2);
    expect(losses(events).every(Number.isFinite)).toBe(true);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
