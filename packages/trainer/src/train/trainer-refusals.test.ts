// What the trainer refuses before it trains (options, texts, checkpoints it cannot resume),
// and the small promises of its output: the sample an eval event carries, evaluation progress.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  ConfigError,
  createCharLM,
  createSampler,
  createTrainer,
  disposeCharLM,
  type EvalEvent,
  evaluateText,
  resumeTrainer,
  sample,
  TrainingDataError,
} from '../index.js';
import { generatedText } from '../test-support/generated-text.js';
import { resolveTrainConfig } from './train-config.js';

const TINY = { hiddenSize: 8, numLayers: 1, batchSize: 2, seqLength: 8 } as const;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** The ConfigError message a call throws (fails the test when it does not throw one). */
function configError(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveTrainConfig refusals', () => {
  it('refuses steps with epochs, and an unknown cell, init or optimizer, naming it', () => {
    expect(configError(() => resolveTrainConfig({ steps: 5, epochs: 1 }, 10))).toBe(
      'Give steps or epochs, not both.',
    );
    expect(configError(() => resolveTrainConfig({ cell: 'cnn' as never }, 10))).toBe(
      "cell must be one of rnn, lstm, gru, got 'cnn'.",
    );
    expect(configError(() => resolveTrainConfig({ init: 'xavier' as never }, 10))).toBe(
      "init must be one of pytorch, keras, got 'xavier'.",
    );
    expect(configError(() => resolveTrainConfig({ optimizer: 'adagrad' as never }, 10))).toBe(
      "optimizer must be one of adam, sgd, rmsprop, got 'adagrad'.",
    );
  });

  it('gives a bad schedule as a ConfigError, and takes each valid choice', () => {
    expect(
      configError(() => resolveTrainConfig({ schedule: { type: 'step', decayRate: 2 } }, 10)),
    ).toMatch(/decayRate/);
    const ok = resolveTrainConfig({ cell: 'gru', init: 'keras', optimizer: 'sgd' }, 10);
    expect([ok.cell, ok.init, ok.optimizer]).toEqual(['gru', 'keras', 'sgd']);
    // Epochs become steps: 3 epochs of 10 windows.
    expect(resolveTrainConfig({ epochs: 3 }, 10).steps).toBe(30);
  });
});

describe('createTrainer and resumeTrainer refusals', () => {
  it('refuses a text of one distinct character: there is nothing to predict', () => {
    expect(() => createTrainer('aaaaaaaaaaaa', TINY)).toThrow(TrainingDataError);
    expect(() => createTrainer('aaaaaaaaaaaa', TINY)).toThrow(/only one distinct character/);
  });

  it('refuses to resume a checkpoint without training state', () => {
    const text = generatedText(600);
    const trainer = createTrainer(text, { ...TINY, steps: 1, sampleLength: 0 });
    const { training: _, ...modelOnly } = trainer.checkpoint();
    trainer.dispose();
    const before = tf.memory().numTensors;
    expect(() => resumeTrainer(text, modelOnly)).toThrow(CheckpointError);
    expect(() => resumeTrainer(text, modelOnly)).toThrow(/no training state/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("an eval event's sample", () => {
  /** The first eval event's sample of a run on `text`. */
  async function firstSample(text: string, sampleLength: number): Promise<string> {
    const trainer = createTrainer(text, {
      ...TINY,
      steps: 1,
      evalEvery: 1,
      sampleLength,
      valFraction: 0.2,
    });
    try {
      for await (const event of trainer.run()) {
        if (event.type === 'eval') return (event as EvalEvent).sample;
      }
    } finally {
      trainer.dispose();
    }
    throw new Error('no eval event');
  }

  it('starts after a newline when the text has one, else from its first character', async () => {
    const lines = generatedText(800);
    expect(lines).toContain('\n');
    expect(await firstSample(lines, 12)).toHaveLength(12);
    const oneLine = lines.replaceAll('\n', ' ');
    const drawn = await firstSample(oneLine, 12);
    expect(drawn).toHaveLength(13);
    expect(drawn[0]).toBe(oneLine[0]);
    expect(await firstSample(oneLine, 0)).toBe('');
  });
});

describe('sampling and evaluation', () => {
  it('refuses an empty prime, a bad length and a bad temperature', () => {
    const model = createCharLM({ vocabSize: 5, hiddenSize: 4 });
    try {
      expect(configError(() => sample(model, [], 3))).toBe(
        'prime must hold at least one id to start from.',
      );
      expect(configError(() => sample(model, [1], -1))).toContain('length');
      expect(configError(() => createSampler(model, { temperature: 0 }))).toContain(
        'temperature must be a positive number',
      );
      expect(sample(model, [1, 2], 4)).toHaveLength(4);
    } finally {
      disposeCharLM(model);
    }
  });

  it('reports evaluation progress after each window, up to the total', async () => {
    const model = createCharLM({ vocabSize: 4, hiddenSize: 4 });
    try {
      const ids = Int32Array.from({ length: 41 }, (_, i) => (i * 7) % 4);
      const progress: [number, number][] = [];
      await evaluateText(model, ids, {
        batchSize: 2,
        seqLength: 5,
        onProgress: (done, total) => progress.push([done, total]),
      });
      // 40 targets in 2 streams of 20: 4 windows of 5.
      expect(progress).toEqual([
        [1, 4],
        [2, 4],
        [3, 4],
        [4, 4],
      ]);
    } finally {
      disposeCharLM(model);
    }
  });
});
