// The training loop's promises, each against a value worked out by hand or from the run's own
// events: the figures a step event reports (epoch, throughput, time left), when evaluations
// happen and which is best, a NaN or infinite loss stopping the run, the clip norm, seed and
// init reaching the update and the model, what `workers` says and the threads it starts, one
// run at a time, a fresh sample seed at each evaluation, and the event loop turning during a
// long sample.
import { initBackend } from '@rnnkit/backend';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  createTrainer,
  type EvalEvent,
  type StepEvent,
  type TrainEvent,
  TrainingDataError,
  TrainingDivergedError,
  type TrainOptions,
} from '../index.js';
import { collectEvents as collect } from '../test-support/collect-events.js';
import { generatedText } from '../test-support/generated-text.js';

const TEXT = generatedText(3000);
const TINY: TrainOptions = {
  hiddenSize: 8,
  numLayers: 1,
  batchSize: 4,
  seqLength: 8,
  learningRate: 0.01,
  evalEvery: 1000,
  sampleLength: 0,
  valFraction: 0,
  seed: 4,
};

// Plain SGD at a learning rate near float32's largest, unclipped: the weights overflow within a
// few updates, and an explodeFactor out of reach leaves only the check for NaN and infinity.
const OVERFLOWING = {
  optimizer: 'sgd',
  learningRate: 1e38,
  clipNorm: null,
  explodeFactor: 1e300,
} as const;

const stepsOf = (events: TrainEvent[]) => events.filter((e): e is StepEvent => e.type === 'step');
const evalsOf = (events: TrainEvent[]) => events.filter((e): e is EvalEvent => e.type === 'eval');

/** Global L2 norm of the change of every parameter between two checkpoints' weights. */
function changeNorm(a: CheckpointData['params'], b: CheckpointData['params']): number {
  let sum = 0;
  for (const [name, { data }] of Object.entries(a)) {
    const next = b[name]?.data as Float32Array;
    for (let i = 0; i < data.length; i++) sum += ((next[i] as number) - (data[i] as number)) ** 2;
  }
  return Math.sqrt(sum);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('the training loop', { timeout: 120_000 }, () => {
  it("reports each step's epoch, throughput and time left consistently with the run", async () => {
    // 641 characters, no validation: 640 inputs in batches of 8 x 8 = 64, so 10 windows.
    const trainer = createTrainer(TEXT.slice(0, 641), { ...TINY, batchSize: 8, steps: 6 });
    expect(trainer.windowsPerEpoch).toBe(10);
    const start = performance.now();
    const events = await collect(trainer);
    const wall = (performance.now() - start) / 1000;
    trainer.dispose();
    const steps = stepsOf(events);
    expect(steps.map((e) => e.epoch)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    for (const e of steps) {
      // Throughput counts the 64 characters of each step over training time only, which is
      // at most the wall time around the whole run.
      expect(e.charsPerSec).toBeGreaterThan(0);
      expect(e.charsPerSec).toBeGreaterThanOrEqual((e.step * 64) / wall);
      // Time left is the characters left at that throughput.
      expect(e.etaSeconds * e.charsPerSec).toBeCloseTo((6 - e.step) * 64, 6);
    }
    expect(steps.at(-1)?.etaSeconds).toBe(0);
    // Elapsed time includes the evaluation at the end, and fits in the wall time.
    const [last] = evalsOf(events);
    const trained = (6 * 64) / (steps.at(-1) as StepEvent).charsPerSec;
    expect(last?.elapsedSeconds).toBeGreaterThanOrEqual(trained);
    expect(last?.elapsedSeconds).toBeLessThanOrEqual(wall);
  });

  it('stops on a loss that is not finite, even when it never counts as exploding', async () => {
    // Plain SGD at a learning rate near float32's largest, unclipped, overflows in a few steps; an
    // explodeFactor out of reach leaves only the check for NaN and infinity to stop it.
    const trainer = createTrainer(TEXT, {
      ...TINY,
      ...OVERFLOWING,
      steps: 200,
    });
    let last = 0;
    let error: unknown;
    try {
      for await (const e of trainer.run()) if (e.type === 'step') last = e.step;
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged.step).toBe(last + 1);
    expect(diverged.message).toMatch(
      new RegExp(
        `^The loss became (NaN|Infinity|-Infinity|finite but the gradient norm \\S+) at step ${last + 1}: training stopped\\.`,
      ),
    );
    expect(diverged.message).toContain('clip harder (clip norm now off)');
    expect(() => trainer.checkpoint()).toThrow(TrainingDivergedError);
    trainer.dispose();
  });

  it('marks an evaluation best when its validation loss is the lowest so far, and keeps it', async () => {
    const trainer = createTrainer(TEXT, {
      ...TINY,
      learningRate: 0.3,
      steps: 14,
      evalEvery: 1,
      valFraction: 0.2,
    });
    const evals = evalsOf(await collect(trainer));
    const training = trainer.checkpoint().training;
    trainer.dispose();
    const valLosses = evals.map((e) => e.valLoss as number);
    const expected = valLosses.map((loss, i) => valLosses.slice(0, i).every((v) => loss < v));
    expect(evals.map((e) => e.best)).toEqual(expected);
    // The run is one whose validation loss both improves and worsens after its first evaluation.
    expect(expected.slice(1)).toContain(true);
    expect(expected).toContain(false);
    const lowest = Math.min(...valLosses);
    expect(training?.bestValLoss).toBe(lowest);
    expect(training?.bestStep).toBe(evals[valLosses.indexOf(lowest)]?.step);
    expect(training?.history).toEqual(
      evals.map((e) => ({ step: e.step, trainLoss: e.trainLoss, valLoss: e.valLoss })),
    );
  });

  it('stops when the validation loss after an update is not finite', async () => {
    // Unclipped SGD at 1e38 overflows the weights within a few updates. With an evaluation
    // after every step, the update that overflows them is caught by the validation loss right
    // after it: the error names the step whose step event came last, and no eval event follows.
    const trainer = createTrainer(TEXT, {
      ...TINY,
      ...OVERFLOWING,
      steps: 10,
      evalEvery: 1,
      valFraction: 0.1,
    });
    const seen: TrainEvent[] = [];
    let error: unknown;
    try {
      for await (const e of trainer.run()) seen.push(e);
    } catch (thrown) {
      error = thrown;
    }
    trainer.dispose();
    const last = seen.at(-1);
    expect(last?.type).toBe('step');
    expect(Number.isFinite((last as StepEvent).loss)).toBe(true);
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect((error as TrainingDivergedError).step).toBe(last?.step);
    expect((error as Error).message).toMatch(
      new RegExp(`^The loss became (NaN|Infinity) at step ${last?.step}: training stopped\\.`),
    );
  });

  it('evaluates every evalEvery steps and at the last step, also off the multiples', async () => {
    const trainer = createTrainer(TEXT, { ...TINY, steps: 7, evalEvery: 3 });
    // 2999 inputs in batches of 4 x 8 = 32: 93 windows.
    expect(trainer.windowsPerEpoch).toBe(93);
    const events = await collect(trainer);
    trainer.dispose();
    expect(evalsOf(events).map((e) => e.step)).toEqual([3, 6, 7]);
    expect(evalsOf(events).map((e) => e.epoch)).toEqual([3 / 93, 6 / 93, 7 / 93]);
    // The training loss of an evaluation is the mean of the steps since the one before.
    const losses = stepsOf(events).map((e) => e.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(evalsOf(events).map((e) => e.trainLoss)).toEqual([
      mean(losses.slice(0, 3)),
      mean(losses.slice(3, 6)),
      mean(losses.slice(6, 7)),
    ]);
  });

  it('clips the update to clipNorm, on one thread and with workers', async () => {
    // Plain SGD: the update is -learningRate x the (clipped) gradient, so the weights move by
    // exactly learningRate x min(clipNorm, gradient norm).
    for (const workers of [1, 2]) {
      for (const clipNorm of [0.01, null]) {
        const trainer = createTrainer(TEXT, {
          ...TINY,
          optimizer: 'sgd',
          learningRate: 0.5,
          clipNorm,
          steps: 1,
          workers,
        });
        const before = trainer.checkpoint().params;
        const [step] = stepsOf(await collect(trainer));
        const moved = changeNorm(before, trainer.checkpoint().params);
        trainer.dispose();
        const gradNorm = (step as StepEvent).gradNorm;
        expect(gradNorm).toBeGreaterThan(0.05);
        const expected = 0.5 * (clipNorm === null ? gradNorm : clipNorm);
        expect(moved / expected, `workers ${workers}, clipNorm ${clipNorm}`).toBeCloseTo(1, 3);
      }
    }
  });

  it('starts the model from its seed and init', () => {
    const paramsOf = (options: TrainOptions) => {
      const trainer = createTrainer(TEXT, { ...TINY, steps: 1, ...options });
      const params = trainer.checkpoint().params;
      trainer.dispose();
      return params;
    };
    const a = paramsOf({ seed: 1 });
    expect(paramsOf({ seed: 1 })).toEqual(a);
    expect(paramsOf({ seed: 2 })['fc.weight']?.data).not.toEqual(a['fc.weight']?.data);
    // PyTorch's init draws every bias from U(-1/√H, 1/√H); Keras's starts the head's at zero.
    const bias = (init: 'pytorch' | 'keras') => [...(paramsOf({ init })['fc.bias']?.data ?? [])];
    expect(bias('keras').every((x) => x === 0)).toBe(true);
    const torch = bias('pytorch');
    expect(torch.some((x) => x !== 0)).toBe(true);
    expect(torch.every((x) => Math.abs(x) <= 1 / Math.sqrt(8))).toBe(true);
  });

  it('records the configured learning rate in the optimizer state before any step', () => {
    for (const optimizer of ['adam', 'sgd', 'rmsprop'] as const) {
      const trainer = createTrainer(TEXT, { ...TINY, optimizer, learningRate: 0.0123, steps: 1 });
      expect(trainer.checkpoint().training?.optimizer.config.learningRate).toBe(0.0123);
      trainer.dispose();
    }
  });

  it('says how many threads train: 1 by default, the count asked for, 1 for auto until a run', () => {
    const count = (workers?: number | 'auto') => {
      const trainer = createTrainer(TEXT, { ...TINY, steps: 1, workers });
      const n = trainer.workers;
      trainer.dispose();
      return n;
    };
    expect(count()).toBe(1);
    expect(count(3)).toBe(3);
    expect(count('auto')).toBe(1);
  });

  it('trains with workers on worker threads, started once and ended by dispose', async () => {
    // Node's diagnostic report lists the live worker threads.
    const threads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;
    const idle = threads();
    const trainer = createTrainer(TEXT, { ...TINY, steps: 4, workers: 2 });
    expect(threads()).toBe(idle);
    const first = trainer.run();
    await first.next();
    // Two threads share each batch: this one and one worker.
    expect(trainer.workers).toBe(2);
    expect(threads()).toBe(idle + 1);
    await first.return(undefined);
    await collect(trainer);
    expect(trainer.step).toBe(4);
    // A second run uses the same worker.
    expect(threads()).toBe(idle + 1);
    trainer.dispose();
    for (let i = 0; i < 100 && threads() > idle; i++) await new Promise((r) => setTimeout(r, 20));
    expect(threads()).toBe(idle);
  });

  it('runs one run at a time, and runs again once the first has ended', async () => {
    const trainer = createTrainer(TEXT, { ...TINY, steps: 3 });
    const first = trainer.run();
    expect((await first.next()).value).toMatchObject({ type: 'step', step: 1 });
    await expect(trainer.run().next()).rejects.toThrow(/already running: await the first run/);
    const rest: TrainEvent[] = [];
    for await (const e of first) rest.push(e);
    expect(rest.at(-1)).toEqual({ type: 'end', reason: 'completed', step: 3 });
    // A run after the first one ended is allowed (and has nothing left to do).
    expect(await collect(trainer)).toEqual([{ type: 'end', reason: 'completed', step: 3 }]);
    trainer.dispose();
  });

  it('draws each evaluation sample with a seed of its own', async () => {
    // A learning rate so small that float32 weights do not move: both samples come from the
    // same model, so only their seeds can make them differ.
    const trainer = createTrainer(TEXT, {
      ...TINY,
      optimizer: 'sgd',
      learningRate: 1e-30,
      steps: 2,
      evalEvery: 1,
      sampleLength: 40,
    });
    const before = trainer.checkpoint().params;
    const samples = evalsOf(await collect(trainer)).map((e) => e.sample);
    expect(trainer.checkpoint().params).toEqual(before);
    trainer.dispose();
    expect(samples).toHaveLength(2);
    expect(samples[0]).toHaveLength(40);
    expect(samples[1]).not.toBe(samples[0]);
  });

  it('lets the event loop turn while it draws a long sample', async () => {
    const sampleLength = 3000;
    const trainer = createTrainer(TEXT, { ...TINY, steps: 1, sampleLength });
    let turns = 0;
    let counting = false;
    const tick = () => {
      turns += 1;
      if (counting) setImmediate(tick);
    };
    for await (const e of trainer.run()) {
      if (e.type === 'step') {
        // No validation part: between this event and the eval event only the sample runs.
        counting = true;
        setImmediate(tick);
      } else if (e.type === 'eval') {
        counting = false;
        expect(e.sample).toHaveLength(sampleLength);
      }
    }
    trainer.dispose();
    // The sampler yields after every 16 characters.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(sampleLength / 16) - 2);
  });

  it('refuses an empty tokenised text as empty, and trains on two distinct characters', async () => {
    const vocab = CharTokenizer.fromText(TEXT);
    expect(() => createTrainer({ tokenizer: vocab, ids: new Uint8Array(0) }, TINY)).toThrow(
      TrainingDataError,
    );
    expect(() => createTrainer({ tokenizer: vocab, ids: new Uint8Array(0) }, TINY)).toThrow(
      /The text is empty/,
    );
    const before = tf.memory().numTensors;
    const two = createTrainer('ab'.repeat(100), { ...TINY, steps: 2 });
    expect(two.tokenizer.vocabulary).toEqual(['a', 'b']);
    expect(stepsOf(await collect(two))).toHaveLength(2);
    two.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
