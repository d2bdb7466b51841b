// What evaluateText refuses, by name, before it evaluates: window options that are not positive
// integers, and ids the model has no row for (whose loss would silently be NaN); and an error
// inside the first window reaching the caller as itself.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CharLM,
  ConfigError,
  createCharLM,
  disposeCharLM,
  evaluateText,
  TrainingDataError,
} from '../index.js';

const V = 5;
let model: CharLM;
const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => (i * 3) % V);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = createCharLM({ vocabSize: V, hiddenSize: 4 }, { seed: 1 });
});
afterAll(() => disposeCharLM(model));

/** The error an evaluation rejects with (fails the test when it resolves). */
async function failure(run: Promise<unknown>): Promise<Error> {
  try {
    await run;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the evaluation to fail');
}

describe('evaluateText refusals', { timeout: 60_000 }, () => {
  it('refuses a batch size or sequence length that is not a positive integer, naming it', async () => {
    for (const [options, message] of [
      [{ seqLength: 0 }, 'seqLength must be an integer >= 1, got 0.'],
      [{ seqLength: -3 }, 'seqLength must be an integer >= 1, got -3.'],
      [{ seqLength: 2.5 }, 'seqLength must be an integer >= 1, got 2.5.'],
      [{ seqLength: Number.NaN }, 'seqLength must be an integer >= 1, got NaN.'],
      [{ batchSize: 0 }, 'batchSize must be an integer >= 1, got 0.'],
      [{ batchSize: 1.5, seqLength: 2 }, 'batchSize must be an integer >= 1, got 1.5.'],
    ] as const) {
      const error = await failure(evaluateText(model, ids(40), options));
      expect(error, JSON.stringify(options)).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(message);
    }
  });

  it('refuses ids outside the model vocabulary, naming the id and where it is', async () => {
    const before = tf.memory().numTensors;
    for (const [bad, at] of [
      [V, 3],
      [-1, 0],
      [V + 100, 9],
    ] as const) {
      const text = ids(10);
      text[at] = bad;
      const error = await failure(evaluateText(model, text));
      expect(error).toBeInstanceOf(TrainingDataError);
      expect(error.message).toContain(`id ${bad} at position ${at}`);
      expect(error.message).toContain(`vocabulary of ${V} ids (0 to ${V - 1})`);
    }
    // The last id is only a target: it is checked too.
    const lastBad = ids(10);
    lastBad[9] = V;
    expect(await failure(evaluateText(model, lastBad))).toBeInstanceOf(TrainingDataError);
    // Every id from 0 to V - 1 is accepted.
    const all = Int32Array.from({ length: 3 * V }, (_, i) => i % V);
    expect((await evaluateText(model, all)).chars).toBe(3 * V - 1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes on the error of a failing first window as itself, freeing what it made', async () => {
    // A head made for 6 hidden units on a 4-unit network: the first window's head refuses its input.
    const before = tf.memory().numTensors;
    const other = createCharLM({ vocabSize: V, hiddenSize: 6 }, { seed: 2 });
    const mismatched: CharLM = { ...model, fc: other.fc };
    const error = await failure(evaluateText(mismatched, ids(30), { batchSize: 2, seqLength: 4 }));
    disposeCharLM(other);
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error.message).toContain('must be float32 [batch, time, 6], got float32 [2, 4, 4]');
    expect(tf.memory().numTensors).toBe(before);
  });
});
