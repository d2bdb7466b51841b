// Parsing a command's flags: each helper returns the value or throws a UsageError that
// names the flag and what it accepts.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Parses a command's arguments. Before node's parseArgs sees them: an unknown option gets
 * "did you mean" (parseArgs would say to put it after `--`), and a negative number after an
 * option that takes a value is that option's value (parseArgs calls it ambiguous), so the
 * option's own check can accept or refuse it with its own message.
 */
export function parseCommand<T extends OptionSpec>(
  command: string,
  args: string[],
  options: T,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const spec: OptionSpec = { ...options, help: { type: 'boolean', short: 'h' } };
  const shorts = new Map(
    Object.entries(spec).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])),
  );
  const hint = `(see 'rnnkit ${command} --help')`;
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    if (NUMBER.test(arg) || !arg.startsWith('-') || arg === '-') {
      joined.push(arg);
      continue;
    }
    const name = arg.startsWith('--') ? arg.slice(2).split('=', 1)[0] : shorts.get(arg.slice(1));
    const option = name === undefined ? undefined : spec[name];
    if (name === undefined || option === undefined) {
      const typed = arg.split('=', 1)[0] as string;
      const near = closest(typed.replace(/^-+/, ''), Object.keys(spec));
      throw new UsageError(
        `unknown option ${typed}${near ? `; did you mean --${near}?` : ''} ${hint}`,
      );
    }
    const next = args[i + 1];
    if (option.type === 'string' && !arg.includes('=') && next !== undefined) {
      if (NUMBER.test(next)) {
        joined.push(`--${name}=${next}`);
        i += 1;
        continue;
      }
      if (next.startsWith('-') && next !== '-') {
        throw new UsageError(
          `${arg} needs a value, but is followed by the option ${next}; for a value that starts with '-', write ${arg}=${next} ${hint}`,
        );
      }
    }
    joined.push(arg);
  }
  try {
    const { values, positionals } = parseArgs({
      args: joined,
      options: spec,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message.replace(/\s*\n\s*/g, ' ')} ${hint}`);
  }
}

/** A number as a value (`-5`, `-0.5`, `-1e-3`), not an option. */
const NUMBER = /^-(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** The known name nearest to a misspelled one (edit distance ≤ 2, or a unique prefix). */
export function closest(typed: string, names: string[]): string | undefined {
  const prefixed = names.filter((n) => typed.length >= 3 && n.startsWith(typed));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(typed.length / 2));
  for (const name of names) {
    const d = editDistance(typed, name);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + cost,
      );
    }
    row = next;
  }
  return row[b.length] as number;
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
    // Say the bound that was crossed; for a non-number, the whole range.
    const range =
      n < min
        ? `≥ ${min}`
        : n > max
          ? `≤ ${max}`
          : max >= 1e9
            ? `≥ ${min}`
            : `from ${min} to ${max}`;
    throw new UsageError(`--${name} must be a whole number ${range}, got ${String(value)}.`);
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
    const bounds = describe(range);
    throw new UsageError(
      `--${name} must be a number${bounds ? ` ${bounds}` : ''}, got ${String(value)}.`,
    );
  }
  return n;
}

function describe({ min, max, minOpen, maxOpen }: NumberRange): string {
  if (min !== undefined && max !== undefined) {
    return `in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}`;
  }
  if (min !== undefined) return `${minOpen ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `${maxOpen ? '<' : '≤'} ${max}`;
  return '';
}
