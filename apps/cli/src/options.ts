// Parsing a command's flags: each helper returns the value or throws a UsageError that
// names the flag and what it accepts.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses a command's arguments, turning parseArgs' errors into usage errors. */
export function parseCommand<T extends OptionSpec>(
  command: string,
  args: string[],
  options: T,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message}\nSee 'rnnkit ${command} --help'.`);
  }
}

/** An integer option within [min, max], or the default when absent. */
export function intOption(
  name: string,
  value: string | boolean | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be an integer from ${min} to ${max}, got '${String(value)}'.`,
    );
  }
  return n;
}

/** One of a fixed set of words, or the default when absent. */
export function choiceOption<C extends string>(
  name: string,
  value: string | boolean | undefined,
  choices: readonly C[],
  fallback: C,
): C {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${String(value)}'.`);
  }
  return value as C;
}

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
