import { UsageError } from './errors.js';

/** Bounds of a number option; open ends exclude the bound. */
export interface NumberRange {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

/**
 * A finite number option within a range, or the default when absent. `Number('')` is 0 and
 * `Number('1e')` NaN, so the text is matched as a decimal first: typos never become numbers.
 */
export function numberOption(
  name: string,
  value: string | boolean | undefined,
  fallback: number,
  range: NumberRange = {},
): number {
  if (value === undefined) return fallback;
  const n =
    typeof value === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value.trim())
      ? Number(value)
      : Number.NaN;
  const { min, max, minOpen, maxOpen } = range;
  const ok =
    Number.isFinite(n) &&
    (min === undefined || (minOpen ? n > min : n >= min)) &&
    (max === undefined || (maxOpen ? n < max : n <= max));
  if (!ok) {
    throw new UsageError(`--${name} must be a number ${describe(range)}, got '${String(value)}'.`);
  }
  return n;
}

function describe({ min, max, minOpen, maxOpen }: NumberRange): string {
  if (min !== undefined && max !== undefined) {
    return `in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  }
  if (min !== undefined) return `${minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${maxOpen ? '<' : '<='} ${max}`;
  return '';
}
