// rnnkit demo translate: an encoder-decoder reverses held-out strings, >= 90% exact with greedy
// decoding, and reports beam search next to it.
import { describe, expect, it } from 'vitest';
import { percentAfter, runDemo } from '../../test-support/run-demo.js';

describe('rnnkit demo translate', () => {
  it('reaches 90% exact-sequence accuracy greedily and reports beam search', async () => {
    const { code, out } = await runDemo('translate', 'wasm');
    expect(percentAfter(out, 'greedy exact-sequence accuracy')).toBeGreaterThanOrEqual(0.9);
    expect(percentAfter(out, 'exact match')).toBeGreaterThanOrEqual(0.9); // the beam
    expect(out).toMatch(/beam search \(width 4\) exact match: [\d.]+% vs greedy [\d.]+%/);
    expect(code).toBe(0);
  }, 90_000);
});
