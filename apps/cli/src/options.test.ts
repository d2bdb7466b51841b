// Flag parsing in process: what each command's option helpers accept, the default they give
// when a flag is absent, and the bound or spelling a refusal names.
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import {
  choiceOption,
  closest,
  editDistance,
  intOption,
  numberOption,
  parseCommand,
} from './options.js';
import { usage } from './test-support/usage-message.js';

const SPEC = {
  steps: { type: 'string' },
  lr: { type: 'string' },
  temperature: { type: 'string', short: 't' },
  force: { type: 'boolean' },
} as const;

describe('parseCommand', () => {
  it('returns values and positionals, with --name=value, short flags and booleans', () => {
    const { values, positionals } = parseCommand(
      'train',
      ['a.txt', '--steps', '10', '--lr=0.5', '-t', '0.8', '--force', 'b.txt'],
      SPEC,
    );
    expect(values).toEqual({ steps: '10', lr: '0.5', temperature: '0.8', force: true });
    expect(positionals).toEqual(['a.txt', 'b.txt']);
  });

  it('takes a negative number after a value flag as its value, in each number form', () => {
    for (const n of ['-5', '-0.5', '-.5', '-1e-3', '-2E+4', '-3.']) {
      expect(parseCommand('train', ['--lr', n], SPEC).values.lr).toBe(n);
    }
    expect(parseCommand('train', ['-t', '-1'], SPEC).values.temperature).toBe('-1');
  });

  it('keeps a lone dash and everything after -- as positionals', () => {
    expect(parseCommand('sample', ['-', 'x'], SPEC).positionals).toEqual(['-', 'x']);
    expect(parseCommand('sample', ['--', '-5'], SPEC).positionals).toEqual(['-5']);
    expect(parseCommand('sample', ['a', '--steps', '2', '--', '-5'], SPEC)).toEqual({
      values: { steps: '2' },
      positionals: ['a', '-5'],
    });
    // A bare negative number is not taken for a misspelled option: the refusal says to put
    // it after --.
    const message = usage(() => parseCommand('sample', ['-5'], SPEC));
    expect(message).toContain("after '--'");
    expect(message).not.toContain('unknown option');
    const { values, positionals } = parseCommand('sample', ['--', '--steps', '-z'], SPEC);
    expect(positionals).toEqual(['--steps', '-z']);
    expect(values.steps).toBeUndefined();
  });

  it('takes a lone dash as the value of a value flag (stdin)', () => {
    expect(parseCommand('train', ['--steps', '-'], SPEC).values.steps).toBe('-');
  });

  it('refuses an option where a value should be, naming both and the = form', () => {
    const message = usage(() => parseCommand('train', ['--steps', '--force'], SPEC));
    expect(message).toContain('--steps needs a value');
    expect(message).toContain('--steps=--force');
    expect(message).toContain("(see 'rnnkit train --help')");
    // With = the value is given, whatever it looks like (the flag's own check judges it).
    expect(parseCommand('train', ['--steps=-x'], SPEC).values.steps).toBe('-x');
    // A boolean flag before another option is fine.
    expect(parseCommand('train', ['--force', '--steps', '3'], SPEC).values).toEqual({
      force: true,
      steps: '3',
    });
  });

  it('suggests the nearest option for a misspelled one, long or short', () => {
    expect(usage(() => parseCommand('train', ['--setps', '3'], SPEC))).toBe(
      "unknown option --setps; did you mean --steps? (see 'rnnkit train --help')",
    );
    expect(usage(() => parseCommand('train', ['--stpes=3'], SPEC))).toContain(
      'unknown option --stpes; did you mean --steps?',
    );
    expect(usage(() => parseCommand('sample', ['-x'], SPEC))).toBe(
      "unknown option -x (see 'rnnkit sample --help')",
    );
    expect(usage(() => parseCommand('sample', ['--zzzzzzzz'], SPEC))).toBe(
      "unknown option --zzzzzzzz (see 'rnnkit sample --help')",
    );
  });

  it('accepts -h and --help on every command', () => {
    expect(parseCommand('eval', ['-h'], SPEC).values.help).toBe(true);
    expect(parseCommand('eval', ['--help'], SPEC).values.help).toBe(true);
  });

  it("reports node's own refusals on one line with the command's hint", () => {
    const message = usage(() => parseCommand('train', ['--steps'], SPEC));
    expect(message).not.toContain('\n');
    expect(message).toMatch(/--steps/);
    expect(message.endsWith("(see 'rnnkit train --help')")).toBe(true);
    expect(usage(() => parseCommand('train', ['--force=yes'], SPEC))).toMatch(/--force/);
  });
});

describe('closest and editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('', 'ab')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('steps', 'setps')).toBe(2);
    expect(editDistance('flaw', 'lawn')).toBe(2);
    expect(editDistance('abc', 'abc')).toBe(0);
  });

  it('picks a unique prefix of three letters or more', () => {
    expect(closest('temp', ['temperature', 'top-k'])).toBe('temperature');
    expect(closest('che', ['checkpoint-dir', 'cell'])).toBe('checkpoint-dir');
    // Two names share the prefix: no guess from it.
    expect(closest('lr-dec', ['lr-decay', 'lr-decay-every'])).toBe('lr-decay');
    expect(closest('lr-decay-e', ['lr-decay', 'lr-decay-every'])).toBe('lr-decay-every');
    // Too short a prefix: only edit distance counts.
    expect(closest('te', ['temperature'])).toBeUndefined();
  });

  it('picks the nearest name within distance 2, never past half the typed length', () => {
    expect(closest('hiden', ['hidden', 'help'])).toBe('hidden');
    expect(closest('sed', ['seed', 'steps'])).toBe('seed');
    expect(closest('lr', ['lr-decay', 'l'])).toBe('l');
    expect(closest('xyzzy', ['steps', 'seed'])).toBeUndefined();
    // A 4-letter typo allows distance 2; a 3-letter one only 1.
    expect(closest('stps', ['steps'])).toBe('steps');
    expect(closest('abd', ['abcde'])).toBeUndefined();
    expect(closest('epoks', ['epochs', 'steps'])).toBe('epochs');
    // A nearer name later in the list wins over a farther one before it.
    expect(closest('stepz', ['stop', 'steps'])).toBe('steps');
    // The first of equally near names is kept.
    expect(closest('cat', ['bat', 'hat'])).toBe('bat');
  });
});

describe('intOption', () => {
  it('gives the default when absent and the number when within bounds', () => {
    expect(intOption('steps', undefined, 7, 1, 10)).toBe(7);
    expect(intOption('steps', '1', 7, 1, 10)).toBe(1);
    expect(intOption('steps', '10', 7, 1, 10)).toBe(10);
    expect(intOption('seed', '0', 7)).toBe(0);
  });

  it('names the bound crossed, or the whole range for a non-number', () => {
    expect(usage(() => intOption('steps', '0', 7, 1, 10))).toBe(
      '--steps must be a whole number ≥ 1, got 0.',
    );
    expect(usage(() => intOption('steps', '11', 7, 1, 10))).toBe(
      '--steps must be a whole number ≤ 10, got 11.',
    );
    expect(usage(() => intOption('steps', 'ten', 7, 1, 10))).toBe(
      '--steps must be a whole number from 1 to 10, got ten.',
    );
    expect(usage(() => intOption('steps', '2.5', 7, 1, 10))).toBe(
      '--steps must be a whole number from 1 to 10, got 2.5.',
    );
    // A huge upper bound is not worth naming.
    expect(usage(() => intOption('steps', 'x', 7, 1, 1e9))).toBe(
      '--steps must be a whole number ≥ 1, got x.',
    );
    expect(usage(() => intOption('steps', 'x', 7, 1, 1e9 - 1))).toBe(
      '--steps must be a whole number from 1 to 999999999, got x.',
    );
    // A flag given without a value (parseArgs' boolean) is refused with the whole range.
    expect(usage(() => intOption('steps', true, 7, 1, 10))).toBe(
      '--steps must be a whole number from 1 to 10, got true.',
    );
    expect(usage(() => intOption('steps', true, 7, 0, 1))).toBe(
      '--steps must be a whole number from 0 to 1, got true.',
    );
    expect(usage(() => intOption('seed', '-1', 7))).toBe(
      '--seed must be a whole number ≥ 0, got -1.',
    );
  });
});

describe('choiceOption', () => {
  it('gives the default when absent, a listed word as is, and refuses the rest', () => {
    const cells = ['lstm', 'gru'] as const;
    expect(choiceOption('cell', undefined, cells, 'lstm')).toBe('lstm');
    expect(choiceOption('cell', 'gru', cells, 'lstm')).toBe('gru');
    expect(usage(() => choiceOption('cell', 'GRU', cells, 'lstm'))).toBe(
      "--cell must be one of lstm, gru, got 'GRU'.",
    );
    expect(usage(() => choiceOption('cell', true, cells, 'lstm'))).toBe(
      "--cell must be one of lstm, gru, got 'true'.",
    );
  });
});

describe('numberOption', () => {
  it('gives the default when absent and parses decimal text', () => {
    expect(numberOption('lr', undefined, 0.002)).toBe(0.002);
    expect(numberOption('lr', '1e-3', 0.002)).toBe(0.001);
    expect(numberOption('lr', ' .5 ', 0.002)).toBe(0.5);
    expect(numberOption('lr', '+2.', 0.002)).toBe(2);
    expect(numberOption('lr', '-3', 0.002)).toBe(-3);
    for (const [text, value] of [
      ['12.5', 12.5],
      ['.25', 0.25],
      ['1e5', 1e5],
      ['1e-10', 1e-10],
      ['2.5E+12', 2.5e12],
    ] as const) {
      expect(numberOption('lr', text, 0.002)).toBe(value);
    }
  });

  it('refuses typos that Number() would take as numbers', () => {
    for (const typo of ['', ' ', '1e', '0x10', 'Infinity', '1,5', '1.2.3', 'e5']) {
      expect(() => numberOption('lr', typo, 1)).toThrow(UsageError);
    }
    expect(() => numberOption('lr', true, 1)).toThrow(UsageError);
    expect(() => numberOption('lr', '1e999', 1)).toThrow(UsageError);
  });

  it('keeps closed bounds and excludes open ones', () => {
    const closed = { min: 0, max: 1 };
    expect(numberOption('p', '0', 9, closed)).toBe(0);
    expect(numberOption('p', '1', 9, closed)).toBe(1);
    expect(() => numberOption('p', '-0.001', 9, closed)).toThrow(UsageError);
    expect(() => numberOption('p', '1.001', 9, closed)).toThrow(UsageError);
    const open = { min: 0, max: 1, minOpen: true, maxOpen: true };
    expect(numberOption('p', '0.5', 9, open)).toBe(0.5);
    expect(() => numberOption('p', '0', 9, open)).toThrow(UsageError);
    expect(() => numberOption('p', '1', 9, open)).toThrow(UsageError);
    expect(numberOption('p', '-5', 9, { max: 0 })).toBe(-5);
    expect(numberOption('p', '5', 9, { min: 0 })).toBe(5);
  });

  it('states the range in the refusal, brackets matching the bounds', () => {
    expect(usage(() => numberOption('p', 'x', 1, { min: 0, max: 1 }))).toBe(
      '--p must be a number in [0, 1], got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1, { min: 0, max: 1, minOpen: true }))).toBe(
      '--p must be a number in (0, 1], got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1, { min: 0, max: 1, maxOpen: true }))).toBe(
      '--p must be a number in [0, 1), got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1, { min: 0 }))).toBe(
      '--p must be a number ≥ 0, got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1, { min: 0, minOpen: true }))).toBe(
      '--p must be a number > 0, got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1, { max: 3 }))).toBe(
      '--p must be a number ≤ 3, got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1, { max: 3, maxOpen: true }))).toBe(
      '--p must be a number < 3, got x.',
    );
    expect(usage(() => numberOption('p', 'x', 1))).toBe('--p must be a number, got x.');
  });
});
