// The documented TrainOptions defaults (packages/trainer/README.md, "Options"), the run length
// from steps or epochs, the schedules by name, and what a resume may change: each checked on
// the resolved config a run reports and stores, and the learning rate its steps use.
import { initBackend } from '@rnnkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createTrainer,
  deserializeCheckpoint,
  resumeTrainer,
  serializeCheckpoint,
  type TrainOptions,
} from './index.js';

/** Seeded pseudo-words, `n` characters. */
function words(n: number): string {
  const list = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'and', 'ran'];
  let x = 3;
  let s = '';
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += `${list[x % list.length]}${x % 7 === 0 ? '.\n' : ' '}`;
  }
  return s.slice(0, n);
}

// 2300 characters: 35 windows of 64, 2 held out, one batch of 32 x 64 left to train on.
const BIG = words(2300);
// 400 characters at 4 x 16: 24 windows, 1 held out, 383 left: 5 windows per epoch.
const SMALL = words(400);
const SMALL_OPTIONS: TrainOptions = {
  hiddenSize: 8,
  numLayers: 1,
  batchSize: 4,
  seqLength: 16,
  evalEvery: 1000,
  sampleLength: 0,
};

async function rates(options: TrainOptions): Promise<number[]> {
  const trainer = createTrainer(SMALL, { ...SMALL_OPTIONS, ...options });
  const out: number[] = [];
  for await (const e of trainer.run()) if (e.type === 'step') out.push(e.learningRate);
  trainer.dispose();
  return out;
}

describe('training options', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('fills in the documented defaults, and stores them in the checkpoint', () => {
    const trainer = createTrainer(BIG);
    try {
      expect(trainer.windowsPerEpoch).toBe(1);
      expect(trainer.trainChars).toBe(32 * 64);
      expect(trainer.valChars).toBe(2 * 64); // 5% of 35 windows, rounded
      const expected = {
        cell: 'lstm',
        hiddenSize: 128,
        numLayers: 2,
        dropout: 0,
        batchSize: 32,
        seqLength: 64,
        learningRate: 2e-3,
        optimizer: 'adam',
        schedule: { type: 'constant' },
        clipNorm: 5,
        steps: 10, // 10 epochs of 1 window
        evalEvery: 200,
        valFraction: 0.05,
        seed: 0,
        sampleLength: 200,
        explodeFactor: 3,
        init: 'pytorch', // training runs start from PyTorch's init (DESIGN.md: Numerics)
      };
      expect(trainer.config).toEqual(expected);
      expect(trainer.checkpoint().training?.config).toEqual(expected);
      expect(trainer.model.config).toMatchObject({ cell: 'lstm', hiddenSize: 128, numLayers: 2 });
    } finally {
      trainer.dispose();
    }
  });

  it('turns epochs into steps, and refuses both at once', () => {
    const windows = 5;
    for (const [options, steps] of [
      [{}, 10 * windows],
      [{ epochs: 3 }, 3 * windows],
      [{ steps: 7 }, 7],
    ] as const) {
      const trainer = createTrainer(SMALL, { ...SMALL_OPTIONS, ...options });
      expect(trainer.windowsPerEpoch).toBe(windows);
      expect(trainer.config.steps).toBe(steps);
      trainer.dispose();
    }
    expect(() => createTrainer(SMALL, { ...SMALL_OPTIONS, steps: 3, epochs: 1 })).toThrow(
      ConfigError,
    );
  });

  it('refuses a negative dropout or valFraction, a learning rate or clip norm of 0 or less, an explodeFactor of 1, naming the range', () => {
    for (const [name, value, range] of [
      ['dropout', -0.1, 'in [0, 1)'],
      ['learningRate', 0, '> 0'],
      ['learningRate', -1e-3, '> 0'],
      ['clipNorm', 0, '> 0'],
      ['clipNorm', -1, '> 0'],
      ['valFraction', -0.05, 'in [0, 1)'],
      ['explodeFactor', 1, '> 1'],
    ] as const) {
      const make = () => createTrainer(SMALL, { ...SMALL_OPTIONS, [name]: value });
      expect(make, `${name} ${value}`).toThrow(ConfigError);
      expect(make, `${name} ${value}`).toThrow(name);
      expect(make, `${name} ${value}`).toThrow(range);
    }
    const trainer = createTrainer(SMALL, { ...SMALL_OPTIONS, learningRate: 1e-9, clipNorm: 1e-9 });
    expect([trainer.config.learningRate, trainer.config.clipNorm]).toEqual([1e-9, 1e-9]);
    // No workers option: one thread.
    expect(trainer.workers).toBe(1);
    trainer.dispose();
  });

  it('keeps clipping off with clipNorm null', () => {
    const trainer = createTrainer(SMALL, { ...SMALL_OPTIONS, clipNorm: null });
    expect(trainer.config.clipNorm).toBeNull();
    trainer.dispose();
  });

  it("names schedules with char-rnn's step decay and a 5% (at most 100) cosine warm-up", async () => {
    const windows = 5;
    const step = createTrainer(SMALL, { ...SMALL_OPTIONS, schedule: 'step' });
    expect(step.config.schedule).toEqual({
      type: 'step',
      decayRate: 0.97,
      decayEvery: windows,
      decayAfter: 10 * windows,
    });
    step.dispose();
    // A field left undefined (as an options object built from flags has) takes the default.
    const unset = createTrainer(SMALL, {
      ...SMALL_OPTIONS,
      schedule: { type: 'step', decayRate: 0.5, decayEvery: undefined, decayAfter: undefined },
    });
    expect(unset.config.schedule).toEqual({
      type: 'step',
      decayRate: 0.5,
      decayEvery: windows,
      decayAfter: 10 * windows,
    });
    unset.dispose();
    for (const [steps, warmup] of [
      [40, 2],
      [3000, 100],
      [9, 0],
    ] as const) {
      const cosine = createTrainer(SMALL, { ...SMALL_OPTIONS, schedule: 'cosine', steps });
      expect(cosine.config.schedule).toEqual({
        type: 'cosine',
        warmupSteps: warmup,
        totalSteps: steps,
        minLearningRate: 0,
      });
      cosine.dispose();
    }
    // Fields given with a name override its defaults only where given.
    const partial = createTrainer(SMALL, {
      ...SMALL_OPTIONS,
      schedule: { type: 'step', decayRate: 0.5 },
    });
    expect(partial.config.schedule).toEqual({
      type: 'step',
      decayRate: 0.5,
      decayEvery: windows,
      decayAfter: 10 * windows,
    });
    partial.dispose();
  });

  it('updates with the scheduled learning rate at every step', async () => {
    const lr = 0.01;
    const cosine = await rates({
      learningRate: lr,
      steps: 8,
      schedule: { type: 'cosine', warmupSteps: 3, totalSteps: 8, minLearningRate: 0.002 },
    });
    const formula = (i: number) =>
      i < 3
        ? (lr * (i + 1)) / 3
        : 0.002 + (lr - 0.002) * 0.5 * (1 + Math.cos((Math.PI * (i - 3)) / 5));
    expect(cosine).toHaveLength(8);
    cosine.forEach((rate, i) => {
      expect(rate, `update ${i}`).toBeCloseTo(formula(i), 12);
    });
    const decay = await rates({
      learningRate: lr,
      steps: 7,
      schedule: { type: 'step', decayRate: 0.5, decayEvery: 2, decayAfter: 3 },
    });
    expect(decay).toEqual([lr, lr, lr, lr / 2, lr / 2, lr / 4, lr / 4]);
    expect(await rates({ learningRate: lr, steps: 3 })).toEqual([lr, lr, lr]);
  });

  it('lets a resume change the run length and reporting, nothing else', async () => {
    const a = createTrainer(SMALL, { ...SMALL_OPTIONS, steps: 2, learningRate: 0.005 });
    for await (const _ of a.run()) {
      // train the 2 steps
    }
    const data = deserializeCheckpoint(serializeCheckpoint(a.checkpoint()));
    a.dispose();
    const longer = resumeTrainer(SMALL, data, { steps: 9, evalEvery: 4, sampleLength: 7 });
    expect(longer.step).toBe(2);
    expect(longer.config).toEqual({
      ...data.training?.config,
      steps: 9,
      evalEvery: 4,
      sampleLength: 7,
    });
    longer.dispose();
    const epochs = resumeTrainer(SMALL, data, { epochs: 2 });
    expect(epochs.config.steps).toBe(2 * 5);
    expect(epochs.config.learningRate).toBe(0.005);
    epochs.dispose();
    const same = resumeTrainer(SMALL, data);
    expect(same.config).toEqual(data.training?.config);
    same.dispose();
  });
});
