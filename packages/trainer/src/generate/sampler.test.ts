import { initBackend } from '@rnnkit/backend';
import { createRng } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  charLMParams,
  createCharLM,
  createSampler,
  disposeCharLM,
  drawFromLogits,
  predict,
  sample,
} from '../index.js';

describe.each(['cpu', 'wasm'] as const)('sampling on %s', (backend) => {
  beforeAll(async () => {
    await initBackend({ backend });
  });

  it('gives the same text for the same seed and different text for another', () => {
    const model = createCharLM(
      { vocabSize: 12, cell: 'gru', hiddenSize: 16, numLayers: 2 },
      { seed: 3 },
    );
    const a = sample(model, [1, 2, 3], 40, { seed: 7 });
    const b = sample(model, [1, 2, 3], 40, { seed: 7 });
    const c = sample(model, [1, 2, 3], 40, { seed: 8 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a.every((id) => id >= 0 && id < 12)).toBe(true);
    disposeCharLM(model);
  });

  it('greedy sampling follows the greedy prediction of the same text', () => {
    const model = createCharLM({ vocabSize: 6, cell: 'lstm', hiddenSize: 8 }, { seed: 1 });
    const prime = [0, 3, 1];
    const ids = sample(model, prime, 5, { greedy: true });
    // Feeding prime + generated text back, each step's argmax is the next generated id.
    const all = [...prime, ...ids];
    const x = tf.tensor2d(all.slice(0, -1), [1, all.length - 1], 'int32');
    const p = predict(model, x).dataSync();
    expect(Array.from(p.slice(prime.length - 1))).toEqual(Array.from(ids));
    x.dispose();
    disposeCharLM(model);
  });

  it('greedy sampling of a model with an embedding follows its prediction, also after new weights', () => {
    const model = createCharLM(
      { vocabSize: 7, cell: 'gru', hiddenSize: 8, input: 'embedding', embeddingDim: 5 },
      { seed: 4 },
    );
    const prime = [2, 6, 0];
    const follows = (ids: number[]) => {
      const all = [...prime, ...ids];
      const x = tf.tensor2d(all.slice(0, -1), [1, all.length - 1], 'int32');
      const p = predict(model, x);
      expect(Array.from(p.dataSync().slice(prime.length - 1))).toEqual(ids);
      tf.dispose([x, p]);
    };
    const sampler = createSampler(model, { greedy: true });
    const draw = () => {
      sampler.reset();
      sampler.prime(prime);
      return Array.from({ length: 6 }, () => sampler.next());
    };
    const before = draw();
    follows(before);
    // New embedding values (as training assigns them) are read before the next draw.
    const table = model.embedding?.weight as tf.Variable;
    table.assign(tf.tidy(() => tf.randomNormal(table.shape, 0, 3, 'float32', 9)));
    const after = draw();
    follows(after);
    expect(after).not.toEqual(before);
    sampler.dispose();
    disposeCharLM(model);
  });

  it('keeps its place in the text when training assigns new weights, and frees them all', () => {
    const model = createCharLM({ vocabSize: 6, cell: 'lstm', hiddenSize: 8 }, { seed: 5 });
    const before = tf.memory().numTensors;
    const prime = [4, 1, 2];
    const sampler = createSampler(model, { greedy: true });
    sampler.prime(prime);
    // A training step that leaves the head's values as they were: the sampler reads the new
    // weights and carries its recurrent state over, so the draws still follow the model's
    // prediction of the whole text.
    const bias = charLMParams(model)['fc.bias'] as tf.Variable;
    tf.tidy(() => bias.assign(tf.add(bias, 0)));
    const ids = Array.from({ length: 6 }, () => sampler.next());
    const all = [...prime, ...ids];
    const x = tf.tensor2d(all.slice(0, -1), [1, all.length - 1], 'int32');
    const p = predict(model, x);
    expect(Array.from(p.dataSync().slice(prime.length - 1))).toEqual(ids);
    tf.dispose([x, p]);
    sampler.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeCharLM(model);
  });

  it('keeps tf.memory().numTensors flat over 100 sampled characters', () => {
    const model = createCharLM(
      { vocabSize: 10, cell: 'lstm', hiddenSize: 16, numLayers: 2 },
      { seed: 2 },
    );
    const sampler = createSampler(model, { seed: 1, temperature: 0.8 });
    sampler.prime([1, 2, 3, 4]);
    sampler.next();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) sampler.next();
    expect(tf.memory().numTensors).toBe(before);
    sampler.dispose();
    disposeCharLM(model);
  });

  it('explains bad calls', () => {
    const model = createCharLM({ vocabSize: 4, hiddenSize: 4 });
    expect(() => createSampler(model).next()).toThrow(/call prime\(\)/);
    expect(() => sample(model, [], 3)).toThrow(ConfigError);
    expect(() => sample(model, [9], 3)).toThrow(
      /id 9 at position 0 is outside the vocabulary \[0, 4\)/,
    );
    for (const id of [-1, 1.5, 4]) {
      expect(() => sample(model, [0, id], 3), `id ${id}`).toThrow(
        `id ${id} at position 1 is outside the vocabulary [0, 4).`,
      );
    }
    expect(sample(model, [3, 0], 2)).toHaveLength(2);
    expect(sample(model, [3], 0)).toHaveLength(0);
    expect(() => sample(model, [3], -1)).toThrow('length must be a non-negative integer, got -1.');
    const sampler = createSampler(model);
    sampler.prime([]);
    expect(() => sampler.next()).toThrow(/call prime\(\)/);
    sampler.prime([1]);
    sampler.next();
    sampler.reset();
    expect(() => sampler.next()).toThrow(/call prime\(\)/);
    sampler.dispose();
    expect(() => createSampler(model, { temperature: 0 })).toThrow(
      /temperature must be a positive/,
    );
    expect(() => createSampler(model, { topP: 1.5 })).toThrow(/topP must be in \(0, 1\]/);
    disposeCharLM(model);
  });

  it('refuses topK and topP outside their ranges, naming the option, and takes their ends', () => {
    const model = createCharLM({ vocabSize: 4, hiddenSize: 4 });
    for (const topK of [0, -1, 1.5, Number.NaN]) {
      expect(() => createSampler(model, { topK }), `topK ${topK}`).toThrow(ConfigError);
      expect(() => createSampler(model, { topK }), `topK ${topK}`).toThrow(
        `topK must be an integer >= 1, got ${topK}.`,
      );
    }
    for (const topP of [0, -0.5, 1.01, Number.NaN]) {
      expect(() => createSampler(model, { topP }), `topP ${topP}`).toThrow(ConfigError);
      expect(() => createSampler(model, { topP }), `topP ${topP}`).toThrow(
        `topP must be in (0, 1], got ${topP}.`,
      );
    }
    // topK 1 is greedy and topP 1 keeps everything: both are valid.
    for (const options of [{ topK: 1 }, { topK: 4 }, { topP: 1 }, { topP: 0.01 }, { topP: 0.5 }]) {
      const sampler = createSampler(model, options);
      sampler.prime([0, 1]);
      expect(sampler.next()).toBeLessThan(4);
      sampler.dispose();
    }
    disposeCharLM(model);
  });
});

describe('drawFromLogits', () => {
  const logits = [2, 1, 0.5, -1];

  it('ranks the other characters as usual when one logit masks a character out (-1.5e9)', () => {
    // softmax([0, -1]) = [0.731, 0.269]; u = r walks down the ranking.
    for (const masked of [
      [0, -1, -1.5e9],
      [-1.5e9, 0, -1],
    ]) {
      const first = masked.indexOf(0);
      const second = masked.indexOf(-1);
      expect(drawFromLogits(masked, {}, () => 0.5)).toBe(first);
      expect(drawFromLogits(masked, {}, () => 0.9)).toBe(second);
      expect(drawFromLogits(masked, { topK: 2 }, () => 0.9)).toBe(second);
    }
  });

  it('draws in proportion to the softmax', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) (counts[drawFromLogits(logits, {}, random)] as number)++;
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    for (const [i, c] of counts.entries()) {
      expect(c / 20000).toBeCloseTo(Math.exp(logits[i] as number) / z, 1);
    }
  });

  it('draws from a short row after a long one as from a fresh start (its scratch is reused)', () => {
    const long = Array.from({ length: 300 }, (_, i) => Math.sin(i) * 3);
    const draws = (first?: number[]) => {
      if (first) drawFromLogits(first, {}, Math.random);
      const random = createRng(4);
      return [1, 2, 3].map(() => drawFromLogits(logits, { topP: 0.9 }, random));
    };
    const alone = draws();
    const after = draws(long);
    expect(after).toEqual(alone);
    expect(after.every((id) => id < logits.length)).toBe(true);
  });

  it('walks the ranking by probability, ties by id, for any vocabulary and spread', () => {
    const rng = createRng(6);
    for (const [n, spread] of [
      [65, 0.2],
      [65, 40],
      [300, 5],
      [7, 1e-9],
    ] as const) {
      const row = Array.from({ length: n }, () => (rng() - 0.5) * spread);
      for (let k = 0; k < n / 4; k++) row[Math.floor(rng() * n)] = row[0] as number; // ties
      const e = row.map((l) => Math.exp(l - Math.max(...row)));
      const z = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / z);
      const ranking = p
        .map((_, i) => i)
        .sort((a, b) => (p[b] as number) - (p[a] as number) || a - b);
      for (const u of [0, 0.1, 0.37, 0.5, 0.81, 0.999]) {
        let left = u * ranking.reduce((a, i) => a + (p[i] as number), 0);
        const want =
          ranking.find((i) => {
            left -= p[i] as number;
            return left < 0;
          }) ?? ranking.at(-1);
        expect(
          drawFromLogits(row, {}, () => u),
          `n=${n} spread=${spread} u=${u}`,
        ).toBe(want);
      }
    }
  });

  it('restricts to the top k and to the nucleus', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(drawFromLogits(logits, { topK: 2 }, Math.random));
    expect([...seen].sort()).toEqual([0, 1]);
    // p(0) = 0.61: a nucleus of 0.5 holds only id 0.
    for (let i = 0; i < 50; i++) expect(drawFromLogits(logits, { topP: 0.5 }, Math.random)).toBe(0);
    expect(drawFromLogits(logits, { greedy: true }, Math.random)).toBe(0);
  });
});
