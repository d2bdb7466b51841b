/** Nested arrays of numbers as the lecture's pretty-printer shows them, with fixed decimals. */
export function formatValues(values: unknown, digits = 4, indent = 0): string {
  if (!Array.isArray(values)) return (values as number).toFixed(digits);
  if (!Array.isArray(values[0]))
    return `[${values.map((v) => formatValues(v, digits)).join(', ')}]`;
  const pad = ' '.repeat(indent + 1);
  const rows = values.map((v) => formatValues(v, digits, indent + 1));
  return `[${rows.join(`,\n${pad}`)}]`;
}

/** `[3,5,2]` */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
