import type { NamedArray } from '@rnnkit/cells';

/** Transposes a row-major `[rows, cols]` matrix: PyTorch `Linear.weight` ↔ Keras `Dense.kernel`. */
export function transposeMatrix({ shape, data }: NamedArray): NamedArray {
  const [rows = 0, cols = 0] = shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  }
  return { shape: [cols, rows], data: out };
}
