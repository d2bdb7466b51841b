// evaluateText against a model whose every prediction is uniform (a zero head), so the loss of
// each predicted character is exactly ln V, whatever the batch and window sizes, and the
// number of characters it counts against the windows a text of that length holds.
import { initBackend } from '@rnnkit/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CharLM, charLMParams, createCharLM, disposeCharLM, evaluateText } from '../index.js';

const V = 7;
let model: CharLM;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = createCharLM({ vocabSize: V, hiddenSize: 6 }, { seed: 2 });
  const params = charLMParams(model);
  for (const name of ['fc.weight', 'fc.bias']) {
    const p = params[name] as tf.Variable;
    tf.tidy(() => p.assign(tf.zerosLike(p)));
  }
});

const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => (i * 5 + 1) % V);

describe('evaluateText', { timeout: 60_000 }, () => {
  it('gives ln V nats (log2 V bits) per character of a uniform model, for any batch and window', async () => {
    for (const [batchSize, seqLength] of [
      [1, 1],
      [3, 5],
      [4, 7],
    ] as const) {
      const r = await evaluateText(model, ids(100), { batchSize, seqLength });
      expect(r.loss, `${batchSize}×${seqLength}`).toBeCloseTo(Math.log(V), 5);
      expect(r.bitsPerChar).toBeCloseTo(Math.log2(V), 5);
      expect(r.perplexity).toBeCloseTo(V, 3);
    }
  });

  it('counts the characters the windows predict, for short texts too', async () => {
    // 2 characters: one to predict.
    expect((await evaluateText(model, ids(2))).chars).toBe(1);
    // 10 characters, default windows of 64: one stream of one window of 9.
    expect((await evaluateText(model, ids(10))).chars).toBe(9);
    // 20 characters in windows of 5: floor(19 / 5) = 3 streams of one window each.
    expect((await evaluateText(model, ids(20), { seqLength: 5 })).chars).toBe(15);
    await expect(evaluateText(model, ids(1))).rejects.toThrow(/too short to evaluate/);
  });

  it('leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    await evaluateText(model, ids(60), { batchSize: 2, seqLength: 4 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

afterAll(() => disposeCharLM(model));
