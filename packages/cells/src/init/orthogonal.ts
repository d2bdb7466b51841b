import { normal } from './normal.js';
import { sizeOf } from './size-of.js';

/**
 * A random orthogonal matrix (Saxe et al. 2014), as Keras' `Orthogonal` initialiser draws it:
 * the Q factor of a Gaussian matrix, with signs fixed so that diag(R) > 0 (which makes Q
 * uniformly distributed). The leading axes are flattened into rows; the result has orthonormal
 * rows when rows <= cols (`W W^T = I`) and orthonormal columns otherwise (`W^T W = I`).
 *
 * Computed in float64 by modified Gram–Schmidt with re-orthogonalisation, in plain JavaScript:
 * no tfjs kernels (the wasm backend has no QR) and the same result on every backend.
 *
 * @example
 * ```ts
 * const u = orthogonal([4, 4], createRng(3)); // u · uᵀ = I to float32 precision
 * ```
 */
export function orthogonal(shape: readonly number[], rng: () => number): Float32Array {
  const cols = shape.length === 0 ? 1 : (shape.at(-1) as number);
  const rows = cols === 0 ? 0 : sizeOf(shape) / cols;
  const n = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const q = gramSchmidt(normal([k, n], rng), k, n); // k orthonormal vectors of length n
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      // rows >= cols: the vectors are the columns; otherwise they are the rows.
      const at = rows >= cols ? i * cols + j : j * cols + i;
      out[at] = q[j * n + i] as number;
    }
  }
  return out;
}

/** Orthonormalises the k row vectors (length n) of `a` in place, keeping their orientation. */
function gramSchmidt(a: Float64Array, k: number, n: number): Float64Array {
  for (let j = 0; j < k; j++) {
    // Two passes: one pass of modified Gram–Schmidt loses orthogonality on ill-conditioned draws.
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (a[p * n + i] as number) * (a[j * n + i] as number);
        for (let i = 0; i < n; i++)
          a[j * n + i] = (a[j * n + i] as number) - dot * (a[p * n + i] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (a[j * n + i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a[j * n + i] = (a[j * n + i] as number) / norm;
  }
  return a;
}
