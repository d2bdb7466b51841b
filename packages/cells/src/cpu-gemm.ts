/**
 * `C = A · B` on plain Float32Arrays (row-major, offsets in elements), for the cpu backend,
 * whose own matMul runs at ~0.5 GFLOP/s on every shape.
 *
 * Four rows of A share each pass over a row of B (B is read a quarter as often), partial sums
 * are float64 (as tfjs's cpu kernel), and a k where all four A values are zero is skipped: the
 * one-hot inputs of a char LM make `oneHot · W_ih` and `oneHot^T · dG` nearly free.
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
  const acc = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (let i0 = 0; i0 < m; i0 += 4) {
    const rows = Math.min(4, m - i0);
    for (let r = 0; r < 4; r++) (acc[r] as Float64Array).fill(0);
    const [s0, s1, s2, s3] = acc as [Float64Array, Float64Array, Float64Array, Float64Array];
    const base = aOff + i0 * k;
    for (let p = 0; p < k; p++) {
      const a0 = a[base + p] as number;
      const a1 = rows > 1 ? (a[base + k + p] as number) : 0;
      const a2 = rows > 2 ? (a[base + 2 * k + p] as number) : 0;
      const a3 = rows > 3 ? (a[base + 3 * k + p] as number) : 0;
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const row = bOff + p * n;
      for (let j = 0; j < n; j++) {
        const v = b[row + j] as number;
        s0[j] = (s0[j] as number) + a0 * v;
        s1[j] = (s1[j] as number) + a1 * v;
        s2[j] = (s2[j] as number) + a2 * v;
        s3[j] = (s3[j] as number) + a3 * v;
      }
    }
    for (let r = 0; r < rows; r++) {
      const s = acc[r] as Float64Array;
      const out = cOff + (i0 + r) * n;
      for (let j = 0; j < n; j++) c[out + j] = s[j] as number;
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

/** `C = A · B` visiting only A's non-zeros: one row of B per non-zero (float64 sums). */
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
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const row = aOff + i * k;
    for (let p = 0; p < k; p++) {
      const v = a[row + p] as number;
      if (v === 0) continue;
      const br = bOff + p * n;
      for (let j = 0; j < n; j++) acc[j] = (acc[j] as number) + v * (b[br + j] as number);
    }
    c.set(acc, cOff + i * n);
  }
}
