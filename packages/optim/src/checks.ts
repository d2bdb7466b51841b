import { OptionError } from './errors.js';

// Argument checks shared by the losses, the optimizers, clipping and the schedules: each throws
// a named error whose message says which argument was wrong and what was expected.

/** A closed or half-open interval; `max` undefined means unbounded above. */
export interface Range {
  min: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

/** Rejects keys an options object does not know, so a typo (`lr`) never falls back silently. */
export function checkKnownKeys(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new OptionError(
        `${where}: unknown option '${key}'. Known options: ${known.join(', ')}.`,
      );
    }
  }
}

/** `value` (or `fallback` when undefined) as a finite number inside `range`. */
export function numberOption(
  where: string,
  name: string,
  value: unknown,
  fallback: number,
  range: Range,
): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || !inRange(v, range)) {
    throw new OptionError(
      `${where}: option '${name}' must be a finite number ${describeRange(range)}; ` +
        `got ${show(value)}.`,
    );
  }
  return v;
}

/** `value` (or `fallback` when undefined) as a boolean; no truthiness, so 'false' is an error. */
export function booleanOption(where: string, name: string, value: unknown, fallback: boolean) {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'boolean') {
    throw new OptionError(`${where}: option '${name}' must be true or false; got ${show(value)}.`);
  }
  return v;
}

function inRange(v: number, r: Range): boolean {
  const aboveMin = r.minOpen ? v > r.min : v >= r.min;
  const belowMax = r.max === undefined || (r.maxOpen ? v < r.max : v <= r.max);
  return aboveMin && belowMax;
}

function describeRange(r: Range): string {
  if (r.max === undefined) return `${r.minOpen ? '>' : '>='} ${r.min}`;
  return `in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Whether two shapes are equal, dimension by dimension. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
