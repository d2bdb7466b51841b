// The JS matMuls behind rnnkit's cpu kernel and its sparse path, against a float64 reference.

import { createRng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { cpuGemm, isSparse, sparseGemm } from './gemm.js';

function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++)
      for (let j = 0; j < n; j++)
        c[i * n + j] =
          (c[i * n + j] as number) + (a[i * k + p] as number) * (b[p * n + j] as number);
  return c;
}

describe('cpuGemm / sparseGemm', () => {
  const rng = createRng(5);
  it.each([
    [1, 1, 1],
    [5, 7, 3],
    [33, 65, 17],
  ])('dense %i×%i · %i×n matches', (m, k, n) => {
    const a = Float32Array.from({ length: m * k }, () => rng() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => rng() - 0.5);
    const c = new Float32Array(m * n + 2);
    cpuGemm(a, 0, b, 0, c, 1, m, k, n); // with an output offset
    const want = reference(a, b, m, k, n);
    for (let i = 0; i < m * n; i++) expect(c[i + 1]).toBeCloseTo(want[i] as number, 5);
    expect(isSparse(a, 0, m * k)).toBe(false);
  });

  it('one-hot rows are sparse and multiply exactly', () => {
    const [m, k, n] = [40, 65, 9];
    const a = new Float32Array(m * k);
    for (let i = 0; i < m; i++) a[i * k + ((i * 7) % k)] = 1;
    const b = Float32Array.from({ length: k * n }, () => rng() - 0.5);
    expect(isSparse(a, 0, m * k)).toBe(true);
    const c = new Float32Array(m * n);
    sparseGemm(a, 0, b, 0, c, 0, m, k, n);
    const want = reference(a, b, m, k, n);
    for (let i = 0; i < m * n; i++) expect(c[i]).toBe(Math.fround(want[i] as number));
  });

  it('rows with several, one or no non-zeros (a one-hot transpose) sum exactly in float64', () => {
    const [m, k, n] = [7, 90, 5];
    const a = new Float32Array(m * k);
    for (let p = 0; p < k; p++) if (p % 3 !== 0) a[((p * 5) % (m - 1)) * k + p] = 1 + (p % 4);
    a[2 * k + 3] = -0.75; // row 2 holds mixed values; row m-1 stays empty
    const b = Float32Array.from({ length: k * n }, () => rng() - 0.5);
    const c = new Float32Array(m * n).fill(Number.NaN);
    sparseGemm(a, 0, b, 0, c, 0, m, k, n);
    const want = reference(a, b, m, k, n);
    for (let i = 0; i < m * n; i++) expect(c[i]).toBe(Math.fround(want[i] as number));
    for (let j = 0; j < n; j++) expect(c[(m - 1) * n + j]).toBe(0);
  });
});
