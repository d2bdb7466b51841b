// The output head's SIMD kernels (softmax rows, their cross-entropy gradient) and the SIMD
// transpose, against float64 computations, on sizes that take the partial-vector paths.
import { describe, expect, it } from 'vitest';
import { createRng } from '../random.js';
import { transposeMatrix } from '../transpose.js';
import { createSimdHeap, type SimdHeap, simdSupported } from './index.js';

const rng = createRng(7);
const uniform = (n: number, lo: number, hi: number) =>
  Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());

function heapWith(): { heap: SimdHeap; put(xs: ArrayLike<number>): number } {
  const heap = createSimdHeap();
  if (heap === undefined) throw new Error('no SIMD');
  return {
    heap,
    put(xs) {
      // +2 floats and an even offset: float64 arrays need 8-byte alignment
      const off = (heap.alloc(xs.length + 2) + 1) & ~1;
      heap.f32().set(xs, off);
      return off;
    },
  };
}

describe.skipIf(!simdSupported())('SIMD head kernels', () => {
  it.each([
    [1, 1],
    [3, 5],
    [4, 4],
    [9, 13],
    [33, 65],
  ])('transpose of [%i, %i] is exact', (rows, cols) => {
    const { heap, put } = heapWith();
    const a = uniform(rows * cols, -1, 1);
    const [src, dst] = [put(a), put(new Float32Array(rows * cols + 1).fill(9))];
    heap.kernels.transpose(src, dst, rows, cols);
    const got = heap.f32().slice(dst, dst + rows * cols + 1);
    expect(Array.from(got.subarray(0, rows * cols))).toEqual(
      Array.from(transposeMatrix(a, rows, cols)),
    );
    expect(got[rows * cols]).toBe(9); // nothing written past the end
  });

  it.each([
    [1, 1, 1],
    [2, 3, 5],
    [4, 3, 8],
  ])('swapLead of [%i, %i, %i] moves every row', (s0, s1, s2) => {
    const { heap, put } = heapWith();
    const a = uniform(s0 * s1 * s2, -1, 1);
    const [src, dst] = [put(a), put(new Float32Array(s0 * s1 * s2 + 1).fill(9))];
    heap.kernels.swapLead(src, dst, s0, s1, s2);
    const got = heap.f32().slice(dst, dst + s0 * s1 * s2 + 1);
    for (let i = 0; i < s0; i++)
      for (let j = 0; j < s1; j++)
        for (let q = 0; q < s2; q++)
          expect(got[(j * s0 + i) * s2 + q]).toBe(a[(i * s1 + j) * s2 + q]);
    expect(got[s0 * s1 * s2]).toBe(9);
  });

  it.each([
    [1, 1, false],
    [5, 7, true],
    [6, 8, false],
    [17, 65, true],
  ])('softmax rows and their gradient, N=%i V=%i weighted=%s', (n, v, weighted) => {
    const { heap, put } = heapWith();
    const z = uniform(n * v, -30, 30);
    const bias = uniform(v, -2, 2);
    const ids = Int32Array.from({ length: n }, (_, r) => (r * 5 + 1) % v);
    const weights = Float32Array.from({ length: n }, (_, r) => (r % 3) / 2);
    const o = {
      p: put(z),
      bias: put(bias),
      y: put(new Float32Array(ids.buffer)),
      stats: put(new Float32Array(4 * n)),
      w: weighted ? put(weights) : 0,
      dz: put(new Float32Array(n * v)),
      dzT: put(new Float32Array(n * v)),
      sums: put(new Float32Array(2 * v)),
    };
    heap.kernels.softmaxRows(n, v, o.p, o.bias, o.y, o.stats);
    const p = heap.f32().slice(o.p, o.p + n * v);
    const stats = new Float64Array(heap.f32().buffer, o.stats * 4, 2 * n).slice();
    const scale = 0.37;
    heap.kernels.softmaxXentGrad(n, v, o.p, o.y, o.w, scale, o.dz, o.dzT, o.sums);
    const dz = heap.f32().slice(o.dz, o.dz + n * v);
    const dzT = heap.f32().slice(o.dzT, o.dzT + n * v);
    const sums = new Float64Array(heap.f32().buffer, o.sums * 4, v);
    const wantSums = new Float64Array(v);
    for (let r = 0; r < n; r++) {
      const row = Array.from(
        { length: v },
        (_, j) => (z[r * v + j] as number) + (bias[j] as number),
      );
      const max = Math.max(...row);
      const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
      const id = ids[r] as number;
      const ce = Math.log(sum) - ((row[id] as number) - max);
      expect(Math.log(stats[2 * r] as number) - (stats[2 * r + 1] as number)).toBeCloseTo(ce, 5);
      const coef = (weighted ? (weights[r] as number) : 1) * scale;
      for (let j = 0; j < v; j++) {
        const prob = Math.exp((row[j] as number) - max) / sum;
        expect(p[r * v + j]).toBeCloseTo(prob, 6);
        const d = (prob - (j === id ? 1 : 0)) * coef;
        expect(dz[r * v + j]).toBeCloseTo(d, 6);
        expect(dzT[j * n + r]).toBe(dz[r * v + j]);
        wantSums[j] = (wantSums[j] as number) + d;
      }
    }
    for (let j = 0; j < v; j++) expect(sums[j]).toBeCloseTo(wantSums[j] as number, 5);
  });

  it('gives NaN cross-entropy for a target outside [0, V)', () => {
    const { heap, put } = heapWith();
    const o = {
      p: put([1, 2, 3]),
      bias: put([0, 0, 0]),
      y: put(new Float32Array(Int32Array.of(3).buffer)),
      stats: put(new Float32Array(4)),
    };
    heap.kernels.softmaxRows(1, 3, o.p, o.bias, o.y, o.stats);
    expect(new Float64Array(heap.f32().buffer, o.stats * 4, 2)[1]).toBeNaN();
  });
});
