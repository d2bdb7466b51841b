import { describe, expect, it } from 'vitest';
import { bitsPerChar } from './bits-per-char.js';

describe('bitsPerChar', () => {
  it('converts nats to bits: ln 2 nats is one bit, a uniform guess over V is log2(V)', () => {
    expect(bitsPerChar(Math.LN2)).toBe(1);
    expect(bitsPerChar(Math.log(5))).toBeCloseTo(Math.log2(5), 12);
    expect(bitsPerChar(0)).toBe(0);
  });
});
