import { transposeMatrix } from '@rnnkit/core';

/** One weight as a shape and row-major float32 values. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/**
 * A `[rows, cols]` weight as `[cols, rows]`: PyTorch `Linear.weight` ↔ Keras `Dense.kernel`.
 *
 * @example
 * ```ts
 * transposeNamedArray({ shape: [2, 3], data }).shape; // [3, 2]
 * ```
 */
export function transposeNamedArray({ shape, data }: NamedArray): NamedArray {
  const [rows = 0, cols = 0] = shape;
  return { shape: [cols, rows], data: transposeMatrix(data, rows, cols) };
}

/** Weights by name (PyTorch `state_dict` names), e.g. read from or written to safetensors. */
export type NamedArrays = Record<string, NamedArray>;

/** Nested number arrays as JSON holds them: `[[1, 2], [3, 4]]`. */
export type NestedArray = number[] | NestedArray[];

/** What the loaders accept per name: a `NamedArray` (data may be any number list) or nested arrays. */
export type WeightDict = Record<string, { shape: number[]; data: ArrayLike<number> } | NestedArray>;

/**
 * Reads one entry of a `WeightDict` as shape + float32 data, or says what is wrong with it.
 * Never throws, so the caller can report every bad entry at once.
 */
export function readNamedArray(value: unknown): NamedArray | string {
  if (Array.isArray(value)) return readNested(value);
  if (value == null || typeof value !== 'object') return `is ${typeName(value)}, not an array`;
  const { shape, data } = value as { shape?: unknown; data?: unknown };
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    return 'has no valid shape (a list of whole numbers)';
  }
  if (data == null || typeof (data as ArrayLike<number>).length !== 'number') {
    return 'has no data array';
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  const values = Float32Array.from(data as ArrayLike<number>);
  if (values.length !== size) {
    return `has ${values.length} values for shape [${shape.join(', ')}] (${size} expected)`;
  }
  return checkFinite({ shape: [...shape], data: values });
}

function readNested(value: unknown[]): NamedArray | string {
  const shape: number[] = [];
  for (let cur: unknown = value; Array.isArray(cur); cur = cur[0]) shape.push(cur.length);
  const data: number[] = [];
  const walk = (node: unknown, depth: number): string | undefined => {
    if (depth === shape.length) {
      if (typeof node !== 'number') return `holds ${typeName(node)} where a number belongs`;
      data.push(node);
      return undefined;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) return 'is ragged (not rectangular)';
    for (const child of node) {
      const problem = walk(child, depth + 1);
      if (problem != null) return problem;
    }
    return undefined;
  };
  const problem = walk(value, 0);
  return problem ?? checkFinite({ shape, data: Float32Array.from(data) });
}

function checkFinite(array: NamedArray): NamedArray | string {
  return array.data.every(Number.isFinite) ? array : 'contains NaN or Infinity';
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
