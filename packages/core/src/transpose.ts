/**
 * Transposes a row-major `[rows, cols]` float32 matrix into a new `[cols, rows]` one, in 8×8
 * tiles so reads of a tall matrix stay in cache. Weight layouts use it (PyTorch `[out, in]` ↔
 * Keras `[in, out]`), as does the sampler when it packs weights.
 *
 * @example
 * ```ts
 * transposeMatrix(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transposeMatrix(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  transposeInto(data, 0, out, 0, rows, cols);
  return out;
}

/** `transposeMatrix` between offsets of existing arrays (a kernel's heap views). */
export function transposeInto(
  src: Float32Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  rows: number,
  cols: number,
): void {
  const T = 8;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(i0 + T, rows);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(j0 + T, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          dst[dstOffset + j * rows + i] = src[srcOffset + i * cols + j] as number;
        }
      }
    }
  }
}
