// rnnkit demo classify: a many-to-one LSTM learns balanced brackets, >= 95% on held-out strings.
import { describe, expect, it } from 'vitest';
import { percentAfter, runDemo } from '../../test-support/run-demo.js';

describe('rnnkit demo classify', () => {
  it('reaches 95% held-out accuracy', async () => {
    const { code, out } = await runDemo('classify', 'wasm');
    expect(percentAfter(out, 'held-out accuracy')).toBeGreaterThanOrEqual(0.95);
    expect(code).toBe(0);
  }, 90_000);
});
