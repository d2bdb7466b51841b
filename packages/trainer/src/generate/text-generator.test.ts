import { initBackend } from '@rnnkit/backend';
import { CharTokenizer } from '@rnnkit/tokenizer';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CharLM,
  ConfigError,
  createCharLM,
  createTextGenerator,
  disposeCharLM,
  evaluateText,
} from '../index.js';

describe('createTextGenerator and evaluateText', () => {
  const tokenizer = CharTokenizer.fromText('hello world');
  let model: CharLM;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    model = createCharLM({ vocabSize: tokenizer.vocabSize, hiddenSize: 8 }, { seed: 1 });
  });

  it('gives the same text for the same seed, one character at a time or in a batch', () => {
    const before = tf.memory().numTensors;
    const a = createTextGenerator(model, tokenizer, { seed: 5, topK: 3 });
    a.prime('hel');
    const stepped = Array.from({ length: 12 }, () => a.step()).join('');
    a.dispose();
    const b = createTextGenerator(model, tokenizer, { seed: 5, topK: 3 });
    b.prime('hel');
    expect(b.sample(12)).toBe(stepped);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a prime with unknown characters, or skips them when asked', () => {
    const strict = createTextGenerator(model, tokenizer);
    expect(() => strict.prime('hex')).toThrow(ConfigError);
    expect(() => strict.prime('hex')).toThrow(/'x' \(U\+0078\) at index 2/);
    strict.dispose();
    const lenient = createTextGenerator(model, tokenizer, { unknown: 'skip' });
    expect(lenient.prime('hexz')).toEqual({ skipped: ['x', 'z'] });
    expect(lenient.step()).toHaveLength(1);
    lenient.dispose();
  });

  it('evaluates a text: loss, bits per character and perplexity agree', async () => {
    const r = await evaluateText(model, tokenizer.encode('hello world hello world'), {
      seqLength: 5,
    });
    expect(r.chars).toBe(20);
    expect(r.loss).toBeGreaterThan(0);
    expect(r.bitsPerChar).toBeCloseTo(r.loss / Math.LN2, 12);
    expect(r.perplexity).toBeCloseTo(Math.exp(r.loss), 10);
    await expect(evaluateText(model, tokenizer.encode('h'))).rejects.toThrow(/at least 2/);
    disposeCharLM(model);
  });
});
