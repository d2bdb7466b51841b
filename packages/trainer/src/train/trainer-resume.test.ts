// What resumeTrainer brings back and what it refuses: options left undefined keep the
// checkpoint's, a checkpoint taken before any step (no carried state) resumes as a fresh run,
// the evaluation history carries on; a text tokenised with another vocabulary, and a carried
// state or optimizer state that does not fit are refused by name, without leaking tensors.
import { initBackend } from '@rnnkit/backend';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckpointData,
  CheckpointError,
  createTrainer,
  resumeTrainer,
  type TrainEvent,
  TrainingDataError,
  type TrainOptions,
} from '../index.js';
import { collectEvents as collect } from '../test-support/collect-events.js';
import { generatedText } from '../test-support/generated-text.js';

const TEXT = generatedText(2000);
const TINY: TrainOptions = {
  hiddenSize: 8,
  numLayers: 2,
  batchSize: 4,
  seqLength: 8,
  learningRate: 0.01,
  evalEvery: 2,
  sampleLength: 0,
  valFraction: 0.1,
  seed: 6,
};

const losses = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));

/** The checkpoint of a run stopped after `steps` steps (and the evaluation due then). */
async function checkpointAfter(steps: number, options: TrainOptions = {}): Promise<CheckpointData> {
  const trainer = createTrainer(TEXT, { ...TINY, steps: 10, ...options });
  if (steps > 0) {
    const controller = new AbortController();
    for await (const e of trainer.run({ signal: controller.signal })) {
      if (e.type === 'step' && e.step === steps) controller.abort();
    }
  }
  const checkpoint = trainer.checkpoint();
  trainer.dispose();
  return checkpoint;
}

/** The error `resumeTrainer` throws, checking that it leaves no tensor behind. */
function resumeError(text: Parameters<typeof resumeTrainer>[0], checkpoint: CheckpointData) {
  const before = tf.memory().numTensors;
  let thrown: unknown;
  try {
    resumeTrainer(text, checkpoint).dispose();
  } catch (error) {
    thrown = error;
  }
  expect(tf.memory().numTensors).toBe(before);
  if (!(thrown instanceof Error)) throw new Error('expected resumeTrainer to throw');
  return thrown;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('resumeTrainer', { timeout: 120_000 }, () => {
  it("keeps the checkpoint's options where the overrides are undefined", async () => {
    const checkpoint = await checkpointAfter(1, { steps: 10, evalEvery: 3, sampleLength: 7 });
    const trainer = resumeTrainer(TEXT, checkpoint, {
      steps: undefined,
      epochs: undefined,
      evalEvery: undefined,
      sampleLength: undefined,
    });
    expect([trainer.config.steps, trainer.config.evalEvery, trainer.config.sampleLength]).toEqual([
      10, 3, 7,
    ]);
    trainer.dispose();
    const longer = resumeTrainer(TEXT, checkpoint, { steps: 12, evalEvery: undefined });
    expect([longer.config.steps, longer.config.evalEvery]).toEqual([12, 3]);
    longer.dispose();
  });

  it('resumes a checkpoint taken before the first step as a fresh run', async () => {
    const checkpoint = await checkpointAfter(0);
    expect(checkpoint.training?.carried).toBeUndefined();
    const fresh = createTrainer(TEXT, { ...TINY, steps: 3 });
    const expected = losses(await collect(fresh));
    fresh.dispose();
    const resumed = resumeTrainer(TEXT, checkpoint, { steps: 3 });
    expect(losses(await collect(resumed))).toEqual(expected);
    resumed.dispose();
  });

  it('carries the evaluation history on', async () => {
    const checkpoint = await checkpointAfter(4);
    const history = checkpoint.training?.history ?? [];
    expect(history.map((h) => h.step)).toEqual([2, 4]);
    const trainer = resumeTrainer(TEXT, checkpoint, { steps: 6 });
    await collect(trainer);
    const after = trainer.checkpoint().training?.history ?? [];
    trainer.dispose();
    expect(after.map((h) => h.step)).toEqual([2, 4, 6]);
    expect(after.slice(0, 2)).toEqual(history);
  });

  it("refuses a text tokenised with a vocabulary other than the checkpoint's", async () => {
    const checkpoint = await checkpointAfter(1);
    const own = CharTokenizer.fromJSON(checkpoint.tokenizer);
    const vocabulary = own.vocabulary;
    // The same size, every id but the last the same character.
    const lastChanged = CharTokenizer.fromVocabulary([...vocabulary.slice(0, -1), '~']);
    // The same characters and ids, with an unk token the checkpoint's tokenizer does not have.
    const withUnk = CharTokenizer.fromVocabulary(vocabulary, { unkToken: vocabulary[0] });
    expect(withUnk.vocabulary).toEqual(vocabulary);
    for (const tokenizer of [lastChanged, withUnk]) {
      const ids = own.encode(TEXT);
      const error = resumeError({ tokenizer, ids }, checkpoint);
      expect(error).toBeInstanceOf(TrainingDataError);
      expect(error.message).toMatch(/tokenise it with the checkpoint's tokenizer/);
    }
    // Its own tokenizer is taken.
    const trainer = resumeTrainer({ tokenizer: own, ids: own.encode(TEXT) }, checkpoint);
    expect(trainer.step).toBe(1);
    trainer.dispose();
  });

  it('refuses a carried state or an optimizer state that does not fit the run', async () => {
    const checkpoint = await checkpointAfter(1);
    const t = checkpoint.training;
    if (!t?.carried?.c) throw new Error('expected an LSTM carried state');
    // The state of one layer where the run has two: [1, 4, 8] instead of [2, 4, 8].
    const oneLayer = (a: { data: Float32Array }) => ({
      shape: [1, 4, 8],
      data: a.data.slice(0, 32),
    });
    const carried = { h: oneLayer(t.carried.h), c: oneLayer(t.carried.c) };
    const badCarried = resumeError(TEXT, { ...checkpoint, training: { ...t, carried } });
    expect(badCarried).toBeInstanceOf(CheckpointError);
    expect(badCarried.message).toBe('Cannot resume: the carried state is not [2,4,8].');
    // Adam's state without one parameter's moments.
    const [dropped] = Object.keys(t.optimizer.slots);
    const slots = Object.fromEntries(
      Object.entries(t.optimizer.slots).filter(([name]) => name !== dropped),
    );
    const optimizer = { ...t.optimizer, slots };
    const badOptimizer = resumeError(TEXT, { ...checkpoint, training: { ...t, optimizer } });
    expect(badOptimizer).toBeInstanceOf(CheckpointError);
    expect(badOptimizer.message).toMatch(/^Cannot resume: /);
  });
});
