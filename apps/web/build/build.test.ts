import { describe, expect, it } from 'vitest';
import { securityHeaders } from './headers.mjs';
import { makeSample, numberWords } from './make-sample.mjs';

describe('built-in sample', () => {
  it('is over 100 KB of ASCII text, the same on every build', () => {
    const text = makeSample();
    expect(text.length).toBeGreaterThan(100_000);
    expect([...text].every((c) => c === '\n' || (c >= ' ' && c <= '~'))).toBe(true);
    expect(makeSample()).toBe(text);
  });

  it('spells numbers in words', () => {
    expect([0, 13, 40, 42, 100, 342, 1000, 1005, 21_999].map(numberWords)).toEqual([
      'zero',
      'thirteen',
      'forty',
      'forty-two',
      'one hundred',
      'three hundred and forty-two',
      'one thousand',
      'one thousand and five',
      'twenty-one thousand nine hundred and ninety-nine',
    ]);
  });
});

describe('security headers', () => {
  it('isolate the page and allow no inline script or remote origin', () => {
    const h = securityHeaders();
    expect(h['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(h['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    const csp = h['Content-Security-Policy'];
    expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'|https?:|\*/);
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval' blob:/);
  });
});
