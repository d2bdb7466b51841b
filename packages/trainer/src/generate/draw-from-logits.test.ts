// drawFromLogits where float64 rounding decides: u on the boundary between two characters,
// u just below 1, probabilities equal although their logits differ, and a character too
// unlikely to matter to any sum. The documented rule: the characters are ranked by
// probability (ties by id), and u = r * (kept mass) falls in one character's interval
// [start, end) of that ranking.
import { describe, expect, it } from 'vitest';
import { drawFromLogits } from '../index.js';

const draw = (logits: number[], r: number, options = {}) =>
  drawFromLogits(logits, options, () => r);

describe('drawFromLogits at the edges', () => {
  it('gives each character the half-open interval [start, end) of u, the next one its end', () => {
    // [0.5, 0.5]: u = 0.5 is the second character's start
    expect(draw([0, 0], 0.5)).toBe(1);
    expect(draw([0, 0], 0.5 - 2 ** -54)).toBe(0);
    // [0.5, 0.25, 0.25] (exact in binary): boundaries at 0.5 and 0.75
    const quarters = [0.5, 0.25, 0.25].map(Math.log);
    expect([0, 0.25, 0.5, 0.6, 0.75, 0.9].map((r) => draw(quarters, r))).toEqual([
      0, 0, 1, 1, 2, 2,
    ]);
  });

  it('ranks characters whose probabilities are equal in float64 by id, whatever their logits', () => {
    const logits = [-2e-17, -1e-17, 0];
    // the premise: exp rounds all three to 1, so each has probability exactly 1/3
    expect(logits.map(Math.exp)).toEqual([1, 1, 1]);
    expect([0, 0.2, 0.4, 0.6, 0.7, 0.99].map((r) => draw(logits, r))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('never draws past the kept characters, even when u rounds to the whole kept mass', () => {
    // Ranked 3, 5, 4, 1, 0, 2. With r the largest double below 1, r * kept rounds so that
    // subtracting the four kept probabilities leaves u at exactly 0, not below it: the draw
    // is the last kept character, not the next one.
    const logits = [-0.31, 1.58, -0.85, 2.88, 2, 2.84];
    const r = 1 - 2 ** -53;
    expect(draw(logits, r, { topK: 4 })).toBe(1);
    expect(draw(logits, r, { topK: 5 })).toBe(0);
    expect(draw(logits, r)).toBe(2);
  });

  it('topP 1 keeps every character, even one of probability 1e-13', () => {
    // [1 - 1e-13, 1e-13]: u = 1 - 1e-14 falls in the second interval
    const logits = [0, Math.log(1e-13)];
    const r = 1 - 1e-14;
    expect(draw(logits, r)).toBe(1);
    expect(draw(logits, r, { topP: 1 })).toBe(1);
    // a nucleus below 1 leaves it out
    expect(draw(logits, r, { topP: 0.999 })).toBe(0);
  });
});
