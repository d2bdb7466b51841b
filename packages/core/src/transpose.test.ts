import { describe, expect, it } from 'vitest';
import { transposeMatrix } from './transpose.js';

describe('transposeMatrix', () => {
  it.each([
    [1, 1],
    [2, 3],
    [9, 17],
    [64, 5],
  ])('transposes a [%i, %i] matrix', (rows, cols) => {
    const data = Float32Array.from({ length: rows * cols }, (_, i) => i);
    const out = transposeMatrix(data, rows, cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) expect(out[c * rows + r]).toBe(r * cols + c);
    }
  });
});
