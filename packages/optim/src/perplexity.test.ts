import { describe, expect, it } from 'vitest';
import { perplexity } from './perplexity.js';

describe('perplexity', () => {
  it('is exp(nats): a uniform guess over V has perplexity V', () => {
    expect(perplexity(Math.log(5))).toBeCloseTo(5, 12);
    expect(perplexity(0)).toBe(1);
  });
});
