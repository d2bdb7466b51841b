// rnnkit demo tag: a bidirectional GRU tags word boundaries at >= 97% per character, and beats
// a unidirectional GRU of the same width, which cannot see whether a word ends.
import { describe, expect, it } from 'vitest';
import { percentAfter, runDemo } from '../../test-support/run-demo.js';

describe('rnnkit demo tag', () => {
  it('reaches 97% per-character accuracy, above the unidirectional baseline', async () => {
    const { code, out } = await runDemo('tag', 'wasm');
    const bi = percentAfter(out, 'bidirectional per-character accuracy');
    const uni = percentAfter(out, 'unidirectional per-character accuracy');
    expect(bi).toBeGreaterThanOrEqual(0.97);
    expect(bi).toBeGreaterThan(uni);
    expect(code).toBe(0);
  }, 90_000);
});
