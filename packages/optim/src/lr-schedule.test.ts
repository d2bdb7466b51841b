import { describe, expect, it } from 'vitest';
import { learningRateAt, OptionError, parseSchedule } from './index.js';

describe('learningRateAt', () => {
  it('keeps the constant schedule at the base rate', () => {
    expect(learningRateAt({ type: 'constant' }, 0.002, 0)).toBe(0.002);
    expect(learningRateAt({ type: 'constant' }, 0.002, 10_000)).toBe(0.002);
  });

  it('decays like char-rnn: once per interval, starting after decayAfter steps', () => {
    const s = { type: 'step', decayRate: 0.5, decayEvery: 100, decayAfter: 300 } as const;
    expect(learningRateAt(s, 1, 299)).toBe(1);
    expect(learningRateAt(s, 1, 300)).toBe(0.5);
    expect(learningRateAt(s, 1, 399)).toBe(0.5);
    expect(learningRateAt(s, 1, 400)).toBe(0.25);
    const byDefault = { type: 'step', decayRate: 0.5, decayEvery: 100 } as const;
    expect(learningRateAt(byDefault, 1, 99)).toBe(1);
    expect(learningRateAt(byDefault, 1, 250)).toBe(0.25);
  });

  it('warms up linearly, then follows a half cosine to the floor and stays there', () => {
    const s = { type: 'cosine', warmupSteps: 10, totalSteps: 110, minLearningRate: 0.1 } as const;
    expect(learningRateAt(s, 1, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, 9)).toBeCloseTo(1, 12);
    expect(learningRateAt(s, 1, 10)).toBeCloseTo(1, 12);
    expect(learningRateAt(s, 1, 60)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(s, 1, 110)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 1, 500)).toBeCloseTo(0.1, 12);
  });

  it('rejects a negative or fractional step', () => {
    expect(() => learningRateAt({ type: 'constant' }, 1, -1)).toThrow(OptionError);
    expect(() => learningRateAt({ type: 'constant' }, 1, 1.5)).toThrow(/integer >= 0/);
  });
});

describe('parseSchedule', () => {
  it('fills defaults and round-trips through JSON', () => {
    const s = parseSchedule({ type: 'step', decayRate: 0.97, decayEvery: 50 });
    expect(s).toEqual({ type: 'step', decayRate: 0.97, decayEvery: 50, decayAfter: 50 });
    expect(parseSchedule(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(parseSchedule({ type: 'cosine', totalSteps: 5 })).toEqual({
      type: 'cosine',
      warmupSteps: 0,
      totalSteps: 5,
      minLearningRate: 0,
    });
  });

  it('names the bad field', () => {
    expect(() => parseSchedule({ type: 'linear' })).toThrow(/Known schedules: constant, step/);
    expect(() => parseSchedule({ type: 'step', decayRate: 0, decayEvery: 1 })).toThrow(/decayRate/);
    expect(() => parseSchedule({ type: 'step', decayRate: 0.9, decayEvery: 1.5 })).toThrow(
      /decayEvery' must be an integer/,
    );
    expect(() => parseSchedule({ type: 'cosine', totalSteps: 0 })).toThrow(/totalSteps/);
    expect(() => parseSchedule({ type: 'constant', lr: 1 })).toThrow(/unknown option 'lr'/);
  });
});
