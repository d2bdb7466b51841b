import { describe, expect, it } from 'vitest';
import { createRng, dropoutMask } from './random.js';

// mulberry32 by its published C definition, written out independently (BigInt arithmetic).
function mulberry32Reference(seed: number, count: number): number[] {
  const M = 2n ** 32n;
  const imul = (a: bigint, b: bigint) => (a * b) % M;
  let s = BigInt(seed >>> 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5n) % M;
    let t = s;
    t = imul(t ^ (t >> 15n), t | 1n);
    t = (t ^ ((t + imul(t ^ (t >> 7n), t | 61n)) % M)) % M;
    out.push(Number(t ^ (t >> 14n)) / 2 ** 32);
  }
  return out;
}

describe('createRng', () => {
  it('draws the mulberry32 sequence in [0, 1)', () => {
    const rng = createRng(42);
    const draws = Array.from({ length: 1000 }, () => rng());
    expect(draws).toEqual(mulberry32Reference(42, 1000));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });

  it('continues the same sequence from a saved state', () => {
    const rng = createRng(7);
    for (let i = 0; i < 13; i++) rng();
    const copy = createRng(rng.state);
    expect(Array.from({ length: 20 }, copy)).toEqual(Array.from({ length: 20 }, rng));
  });

  it('differs between seeds', () => {
    expect(createRng(1)()).not.toBe(createRng(2)());
  });
});

describe('dropoutMask', () => {
  it('drops exactly the draws below the rate and scales the rest by 1 / (1 - rate)', () => {
    const draws = Array.from({ length: 1000 }, createRng(3));
    const mask = dropoutMask(1000, 0.3, createRng(3));
    for (let i = 0; i < 1000; i++) {
      expect(mask[i]).toBe((draws[i] as number) < 0.3 ? 0 : Math.fround(1 / 0.7));
    }
    const dropped = mask.filter((m) => m === 0).length;
    expect(dropped).toBeGreaterThan(250);
    expect(dropped).toBeLessThan(350);
  });

  it('draws nothing at rate 0', () => {
    const rng = createRng(5);
    expect(Array.from(dropoutMask(4, 0, rng))).toEqual([1, 1, 1, 1]);
    expect(rng()).toBe(createRng(5)());
  });
});
