/** Number of elements of a tensor of `shape`; throws on negative or fractional sizes. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `Shape [${shape.join(', ')}] has a size that is not a whole number >= 0`,
      );
    }
    n *= d;
  }
  return n;
}
