// What the sampling options promise, against expectations computed here: frequencies of seeded
// draws against softmax(logits / T), and the exact set top-k and top-p keep. The draws are
// seeded, so the chi-square bounds are deterministic: they cannot flake, and each is paired with
// the statistic against the wrong distribution, which must be far above the bound.

import { createRng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { drawFromLogits, type SamplingOptions } from './index.js';

const LOGITS = [2, 1.2, 0.5, 0, -0.7, -1.5];
const DRAWS = 20_000;

function softmax(logits: number[], temperature = 1): number[] {
  const scaled = logits.map((l) => l / temperature);
  const max = Math.max(...scaled);
  const e = scaled.map((l) => Math.exp(l - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

function counts(logits: number[], options: SamplingOptions, seed: number): number[] {
  const random = createRng(seed);
  const c = new Array<number>(logits.length).fill(0);
  for (let i = 0; i < DRAWS; i++) {
    const id = drawFromLogits(logits, options, random);
    c[id] = (c[id] as number) + 1;
  }
  return c;
}

/** Pearson's statistic; a category with expected 0 and any count makes it infinite. */
function chiSquare(observed: number[], probs: number[]): number {
  let x = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (probs[i] as number) * DRAWS;
    const o = observed[i] as number;
    if (expected === 0) x += o === 0 ? 0 : Number.POSITIVE_INFINITY;
    else x += (o - expected) ** 2 / expected;
  }
  return x;
}

/** The documented kept set, renormalised. */
function restrict(probs: number[], keep: number[]): number[] {
  const z = keep.reduce((a, i) => a + (probs[i] as number), 0);
  return probs.map((p, i) => (keep.includes(i) ? p / z : 0));
}

const entropy = (c: number[]) =>
  -c.reduce((a, n) => (n === 0 ? a : a + (n / DRAWS) * Math.log(n / DRAWS)), 0);

// 5 degrees of freedom: P(chi2 > 35) is about 1.6e-6, so a correct sampler passes this bound
// for all but a vanishing share of seeds; with the seeds fixed, the outcome never changes.
const BOUND = 35;

describe('temperature', { timeout: 60_000 }, () => {
  it('draws with the frequencies of softmax(logits / T)', () => {
    for (const [t, seed] of [
      [0.5, 11],
      [1, 12],
      [2, 13],
      [5, 14],
    ] as const) {
      const c = counts(LOGITS, { temperature: t }, seed);
      expect(chiSquare(c, softmax(LOGITS, t)), `T=${t}`).toBeLessThan(BOUND);
      // Ignoring the temperature would be far outside the bound.
      if (t !== 1) expect(chiSquare(c, softmax(LOGITS, 1)), `T=${t}`).toBeGreaterThan(20 * BOUND);
    }
  });

  it('sharpens below 1 and flattens above 1', () => {
    const h = [0.25, 0.5, 1, 2, 4].map((t) => entropy(counts(LOGITS, { temperature: t }, 21)));
    for (let i = 1; i < h.length; i++) expect(h[i] as number).toBeGreaterThan(h[i - 1] as number);
    // The extremes approach the argmax and the uniform distribution.
    expect(counts(LOGITS, { temperature: 0.05 }, 22)[0]).toBe(DRAWS);
    expect(h.at(-1) as number).toBeGreaterThan(0.9 * Math.log(LOGITS.length));
  });

  it('leaves the default at T = 1', () => {
    expect(counts(LOGITS, {}, 31)).toEqual(counts(LOGITS, { temperature: 1 }, 31));
  });
});

// Always drawing u just below 1 picks the least likely kept character, u = 0 the most likely.
const LAST = () => 1 - 1e-12;
const FIRST = () => 0;

describe('top-k', { timeout: 60_000 }, () => {
  // Ranked by probability: 3, 0, 5, 1, 2, 4.
  const logits = [1, -0.5, -1, 2, -2, 0.3];

  it('keeps exactly the k most likely characters', () => {
    const ranked = [3, 0, 5, 1, 2, 4];
    for (let k = 1; k <= logits.length; k++) {
      expect(drawFromLogits(logits, { topK: k }, LAST), `k=${k}`).toBe(ranked[k - 1]);
      expect(drawFromLogits(logits, { topK: k }, FIRST), `k=${k}`).toBe(3);
    }
    expect(drawFromLogits(logits, { topK: 100 }, LAST)).toBe(4);
  });

  it('draws the kept ones in proportion to their probability', () => {
    const c = counts(logits, { topK: 3 }, 41);
    const probs = softmax(logits);
    expect(chiSquare(c, restrict(probs, [3, 0, 5]))).toBeLessThan(BOUND);
    expect([c[1], c[2], c[4]]).toEqual([0, 0, 0]);
    expect(chiSquare(c, probs)).toBeGreaterThan(20 * BOUND);
  });

  it('applies after the temperature', () => {
    const c = counts(logits, { topK: 2, temperature: 3 }, 42);
    expect(chiSquare(c, restrict(softmax(logits, 3), [3, 0]))).toBeLessThan(BOUND);
    expect(chiSquare(c, restrict(softmax(logits, 1), [3, 0]))).toBeGreaterThan(20 * BOUND);
  });
});

describe('top-p', { timeout: 60_000 }, () => {
  const ln = Math.log;

  it('keeps the smallest set whose probability reaches p, including exactly p', () => {
    const cases: [number[], number, number][] = [
      // probabilities, p, least likely character kept
      [[0.5, 0.3, 0.2], 0.5, 0],
      [[0.5, 0.3, 0.2], 0.8, 1], // 0.5 + 0.3 reaches 0.8 exactly
      [[0.5, 0.3, 0.2], 0.8000001, 2],
      [[0.5, 0.3, 0.2], 0.79, 1],
      [[0.5, 0.3, 0.2], 1, 2],
      [[0.7, 0.2, 0.1], 0.7, 0], // exactly the first
      [[0.7, 0.2, 0.1], 0.9, 1], // exactly the first two
      [[0.7, 0.2, 0.1], 0.95, 2],
      [[0.1, 0.6, 0.3], 0.9, 2], // ranked by probability, not by id: 1 then 2
      [[0.1, 0.6, 0.3], 0.6, 1],
      [[0.5, 0.25, 0.125, 0.125], 0.75, 1],
      [[0.5, 0.25, 0.125, 0.125], 0.875, 2],
      [[0.4, 0.3, 0.2, 0.1], 0.9, 2],
      [[0.4, 0.3, 0.2, 0.1], 0.3, 0],
    ];
    for (const [probs, p, last] of cases) {
      const logits = probs.map(ln);
      expect(drawFromLogits(logits, { topP: p }, LAST), `${probs} p=${p}`).toBe(last);
    }
  });

  it('draws the kept ones in proportion to their probability', () => {
    const probs = [0.4, 0.3, 0.2, 0.1];
    const logits = probs.map(ln);
    const c = counts(logits, { topP: 0.7 }, 51);
    expect(chiSquare(c, restrict(probs, [0, 1]))).toBeLessThan(BOUND);
    expect(c[2]).toBe(0);
    expect(c[3]).toBe(0);
  });

  it('combines with top-k: the smaller set wins', () => {
    const logits = [0.4, 0.3, 0.2, 0.1].map(ln);
    expect(drawFromLogits(logits, { topK: 2, topP: 0.95 }, LAST)).toBe(1);
    expect(drawFromLogits(logits, { topK: 3, topP: 0.4 }, LAST)).toBe(0);
  });
});

describe('greedy', { timeout: 60_000 }, () => {
  it('takes the most likely character whatever the other options and the random draw', () => {
    const logits = [0.1, 0.3, 2.5, -1, 2.4];
    for (const random of [FIRST, LAST, createRng(3)]) {
      expect(drawFromLogits(logits, { greedy: true }, random)).toBe(2);
      expect(drawFromLogits(logits, { greedy: true, temperature: 50, topK: 5 }, random)).toBe(2);
    }
    expect(drawFromLogits([-3, -2, -1], { greedy: true }, FIRST)).toBe(2);
    // Ties go to the lowest id, as tf.argMax and the sampler's ranking break them.
    expect(drawFromLogits([1, 3, 3, 0, 3], { greedy: true }, LAST)).toBe(1);
  });
});
