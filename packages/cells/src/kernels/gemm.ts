/**
 * `C = A · B` on plain Float32Arrays (row-major, offsets in elements), for the cpu backend,
 * whose own matMul runs at ~0.5 GFLOP/s on every shape.
 *
 * Each 4×4 block of C is summed in sixteen locals over the whole inner dimension (float64,
 * as tfjs's cpu kernel): per step 4 loads of A and 4 of B feed 16 multiply-adds, which is
 * what lets V8 reach ~4 GFLOP/s. Rows and columns past a multiple of 4 take a plain loop.
 */
export function cpuGemm(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i0 = 0; i0 < m4; i0 += 4) {
    for (let j0 = 0; j0 < n4; j0 += 4)
      block4x4(a, aOff + i0 * k, b, bOff + j0, c, cOff + i0 * n + j0, k, n);
  }
  // Edges: the last m % 4 rows (all columns) and the last n % 4 columns (the other rows).
  edge(a, aOff, b, bOff, c, cOff, k, n, m4, m, 0, n);
  edge(a, aOff, b, bOff, c, cOff, k, n, 0, m4, n4, n);
}

function block4x4(
  a: Float32Array,
  a0: number,
  b: Float32Array,
  b0: number,
  c: Float32Array,
  c0: number,
  k: number,
  n: number,
): void {
  const [a1, a2, a3] = [a0 + k, a0 + 2 * k, a0 + 3 * k];
  let [s00, s01, s02, s03, s10, s11, s12, s13] = [0, 0, 0, 0, 0, 0, 0, 0];
  let [s20, s21, s22, s23, s30, s31, s32, s33] = [0, 0, 0, 0, 0, 0, 0, 0];
  let bp = b0;
  for (let p = 0; p < k; p++, bp += n) {
    const y0 = b[bp] as number;
    const y1 = b[bp + 1] as number;
    const y2 = b[bp + 2] as number;
    const y3 = b[bp + 3] as number;
    const x0 = a[a0 + p] as number;
    const x1 = a[a1 + p] as number;
    const x2 = a[a2 + p] as number;
    const x3 = a[a3 + p] as number;
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const rows = [
    [s00, s01, s02, s03],
    [s10, s11, s12, s13],
    [s20, s21, s22, s23],
    [s30, s31, s32, s33],
  ];
  for (let r = 0; r < 4; r++) c.set(rows[r] as number[], c0 + r * n);
}

/** Plain dot products for rows [r0, r1) × columns [j0, j1). */
function edge(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  k: number,
  n: number,
  r0: number,
  r1: number,
  j0: number,
  j1: number,
): void {
  for (let i = r0; i < r1; i++) {
    for (let j = j0; j < j1; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++)
        sum += (a[aOff + i * k + p] as number) * (b[bOff + p * n + j] as number);
      c[cOff + i * n + j] = sum;
    }
  }
}

/**
 * Whether fewer than 1 in 16 entries of `a [m, k]` are non-zero (one-hot rows and their
 * transpose are); stops reading as soon as the answer is no, so dense inputs cost ~nothing.
 */
export function isSparse(a: Float32Array, off: number, size: number): boolean {
  const limit = size / 16;
  let nonZero = 0;
  for (let i = 0; i < size; i++) {
    if (a[off + i] !== 0 && ++nonZero > limit) return false;
    // dense inputs are rejected early: after 64 entries at least 4 must have been zero
    if (i === 63 && nonZero > 8) return false;
  }
  return true;
}

/**
 * `C = A · B` visiting only A's non-zeros: one row of B per non-zero (float64 sums). A row
 * with a single non-zero (one-hot input) is that row of B times it, written straight to C.
 */
export function sparseGemm(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
  m: number,
  k: number,
  n: number,
): void {
  const acc = new Float64Array(n);
  const at = new Int32Array(k); // the non-zero columns of the current row
  for (let i = 0; i < m; i++) {
    const row = aOff + i * k;
    const out = cOff + i * n;
    let count = 0;
    for (let p = 0; p < k; p++) if (a[row + p] !== 0) at[count++] = p;
    if (count === 0) {
      c.fill(0, out, out + n);
      continue;
    }
    const p0 = at[0] as number;
    const v0 = a[row + p0] as number;
    const b0 = bOff + p0 * n;
    if (count === 1) {
      for (let j = 0; j < n; j++) c[out + j] = v0 * (b[b0 + j] as number);
      continue;
    }
    for (let j = 0; j < n; j++) acc[j] = v0 * (b[b0 + j] as number);
    for (let q = 1; q < count; q++) {
      const p = at[q] as number;
      const v = a[row + p] as number;
      const br = bOff + p * n;
      for (let j = 0; j < n; j++) acc[j] = (acc[j] as number) + v * (b[br + j] as number);
    }
    for (let j = 0; j < n; j++) c[out + j] = acc[j] as number;
  }
}
