// rnnkit demo generate: a one-to-many decoder spells every number 0..99 from its digits,
// >= 95% exact match; and the demo names reject mistakes with the list of names.
import { describe, expect, it } from 'vitest';
import { percentAfter, runDemo } from '../../test-support/run-demo.js';
import { numberName } from './generate.js';

describe('rnnkit demo generate', () => {
  it('spells numbers', () => {
    expect([0, 13, 20, 42, 99].map(numberName)).toEqual([
      'zero',
      'thirteen',
      'twenty',
      'forty-two',
      'ninety-nine',
    ]);
  });

  it('reaches 95% exact match', async () => {
    const { code, out } = await runDemo('generate', 'wasm');
    expect(percentAfter(out, 'exact match')).toBeGreaterThanOrEqual(0.95);
    expect(out).toMatch(/42 -> "forty-two"/);
    expect(code).toBe(0);
  }, 90_000);

  it('lists the task demos when a name is wrong', async () => {
    const { code, out } = await runDemo('clasify', 'cpu');
    expect(code).toBe(2);
    expect(out).toMatch(/Task demos: classify, generate, tag, translate/);
  });
});
