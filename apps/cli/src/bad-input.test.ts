// Every bad input of issue 4, through the built CLI: a one-line error that says what to do, a
// non-zero exit code, and no existing checkpoint changed.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { generatedText, hashTree, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-bad-'));
const FRESH = ['--checkpoint-dir', 'base', '--force', ...TINY];

async function inProcess(args: string[]) {
  const r = { out: '', err: '', code: 0 as number | null };
  const io = {
    out: (t: string) => {
      r.out += t;
    },
    err: (t: string) => {
      r.err += t;
    },
  };
  r.code = await runCli(args, io);
  return r;
}

/** A copy of base/latest with its files changed by `edit`. */
function brokenCopy(name: string, edit: (json: string, weights: Buffer) => [string, Buffer?]) {
  const from = join(dir, 'base', 'latest');
  const to = join(dir, name);
  mkdirSync(to);
  const weightsName = readdirSync(from).find((f) => f.endsWith('.bin')) as string;
  const [json, weights] = edit(
    readFileSync(join(from, 'model.json'), 'utf8'),
    readFileSync(join(from, weightsName)),
  );
  writeFileSync(join(to, 'model.json'), json);
  if (weights) writeFileSync(join(to, weightsName), weights);
}

// [what, args, exit code, stderr pattern]
const CASES: [string, string[], number, RegExp][] = [
  ['missing text file', ['train', 'nope.txt', ...FRESH], 1, /'nope.txt': there is no such file/],
  ['a folder as text file', ['train', 'base', ...FRESH], 1, /it is a folder, not a text file/],
  ['empty text file', ['train', 'empty.txt', ...FRESH], 1, /'empty.txt' is empty/],
  ['binary text file', ['train', 'binary.bin', ...FRESH], 1, /is not UTF-8 text/],
  ['text with NUL bytes', ['train', 'nul.txt', ...FRESH], 1, /looks like a binary file/],
  [
    'text too short for the batch',
    ['train', 'short.txt', ...FRESH, '--batch', '32'],
    1,
    /too short for one batch.*Lower the batch size \(--batch\) to at most \d+/,
  ],
  [
    'text too short for the window',
    ['train', 'short.txt', ...FRESH, '--batch', '1', '--seq-length', '400'],
    1,
    /too short for one batch.*sequence length \(--seq-length\) to at most \d+/,
  ],
  [
    'zero hidden size',
    ['train', 'text.txt', ...FRESH, '--hidden', '0'],
    2,
    /--hidden must be a whole number ≥ 1, got 0\./,
  ],
  [
    'negative batch',
    ['train', 'text.txt', ...FRESH, '--batch=-1'],
    2,
    /--batch must be a whole number ≥ 1, got -1\./,
  ],
  [
    'NaN learning rate',
    ['train', 'text.txt', ...FRESH, '--lr', 'NaN'],
    2,
    /--lr must be a number > 0, got NaN\./,
  ],
  [
    'zero learning rate',
    ['train', 'text.txt', ...FRESH, '--lr', '0'],
    2,
    /--lr must be a number > 0/,
  ],
  [
    'fractional layers',
    ['train', 'text.txt', ...FRESH, '--layers', '1.5'],
    2,
    /--layers must be a whole number from 1 to 64, got 1\.5\./,
  ],
  [
    'dropout of 1.5',
    ['train', 'text.txt', ...FRESH, '--dropout', '1.5'],
    2,
    /--dropout must be a number in \[0, 1\)/,
  ],
  [
    'validation fraction 1',
    ['train', 'text.txt', ...FRESH, '--val-fraction', '1'],
    2,
    /--val-fraction must be a number in \[0, 1\)/,
  ],
  [
    'zero clip norm',
    ['train', 'text.txt', ...FRESH, '--clip', '0'],
    2,
    /--clip must be a number > 0/,
  ],
  [
    'non-numeric steps',
    ['train', 'text.txt', ...FRESH, '--steps', 'abc'],
    2,
    /--steps must be a whole number ≥ 1, got abc\./,
  ],
  [
    'zero epochs',
    ['train', 'text.txt', ...FRESH, '--epochs', '0'],
    2,
    /--epochs must be a whole number ≥ 1/,
  ],
  [
    'steps and epochs',
    ['train', 'text.txt', ...FRESH, '--steps', '5', '--epochs', '1'],
    2,
    /--steps or --epochs, not both/,
  ],
  [
    'zero eval interval',
    ['train', 'text.txt', ...FRESH, '--eval-every', '0'],
    2,
    /--eval-every must be a whole number ≥ 1/,
  ],
  [
    'a run already in the folder',
    ['train', 'text.txt', '--checkpoint-dir', 'base', ...TINY],
    1,
    /'base' already holds a run's checkpoints: continue it with --resume base/,
  ],
  [
    'missing checkpoint',
    ['train', 'text.txt', '--resume', 'nothere'],
    1,
    /No checkpoint at 'nothere'/,
  ],
  [
    'checkpoint with bad JSON',
    ['train', 'text.txt', '--resume', 'badjson'],
    1,
    /model.json is not valid JSON/,
  ],
  [
    'truncated weights',
    ['train', 'text.txt', '--resume', 'truncated'],
    1,
    /weights files hold \d+ bytes but model.json describes \d+: they are truncated/,
  ],
  [
    'oversized weights',
    ['train', 'text.txt', '--resume', 'oversized'],
    1,
    /weights files hold \d+ bytes but model.json describes \d+/,
  ],
  [
    'missing weights file',
    ['train', 'text.txt', '--resume', 'noweights'],
    1,
    /weights file '.*': there is no such file/,
  ],
  [
    'not an rnnkit checkpoint',
    ['train', 'text.txt', '--resume', 'notrnnkit'],
    1,
    /not an rnnkit checkpoint/,
  ],
  [
    'resuming on other characters',
    ['train', 'other.txt', '--resume', 'base', '--steps', '9'],
    1,
    /vocabulary lacks: Unknown character 'Z' \(U\+005A\)/,
  ],
  [
    'resuming with a model option',
    ['train', 'text.txt', '--resume', 'base', '--hidden', '64'],
    2,
    /--hidden cannot be used with --resume/,
  ],
  [
    'resuming a finished run',
    ['train', 'text.txt', '--resume', 'base', '--backend', 'cpu'],
    1,
    /The checkpoint is at step 2, the end of its 2-step run: give --steps larger than 2/,
  ],
  ['sampling a truncated checkpoint', ['sample', 'truncated'], 1, /they are truncated/],
  [
    'prime with unknown characters',
    ['sample', 'base', '--prime', 'the ZOO', '--backend', 'cpu'],
    1,
    /--prime has 'Z' \(U\+005A\) at index 4.*add --skip-unknown/,
  ],
  [
    'zero temperature',
    ['sample', 'base', '--temperature', '0'],
    2,
    /--temperature must be a number > 0/,
  ],
  ['top-p above 1', ['sample', 'base', '--top-p', '2'], 2, /--top-p must be a number in \(0, 1\]/],
  [
    'zero top-k',
    ['sample', 'base', '--top-k', '0'],
    2,
    /--top-k must be a whole number ≥ 1, got 0\./,
  ],
  [
    'negative length',
    ['sample', 'base', '--length=-5'],
    2,
    /--length must be a whole number ≥ 0, got -5/,
  ],
  [
    'negative length, spaced',
    ['sample', 'base', '--length', '-5'],
    2,
    /--length must be a whole number ≥ 0, got -5/,
  ],
  [
    'negative hidden size',
    ['train', 'text.txt', '--hidden', '-5'],
    2,
    /--hidden must be a whole number ≥ 1, got -5\./,
  ],
  [
    'negative learning rate',
    ['train', 'text.txt', '--lr', '-1e-3'],
    2,
    /--lr must be a number > 0, got -1e-3\./,
  ],
  [
    'misspelled option',
    ['train', 'text.txt', '--hiden', '64'],
    2,
    /unknown option --hiden; did you mean --hidden\?/,
  ],
  [
    'option without its value',
    ['sample', 'base', '--prime', '--length', '5'],
    2,
    /--prime needs a value, but is followed by the option --length/,
  ],
  [
    'resuming past --steps',
    ['train', 'text.txt', '--resume', 'base', '--steps', '1', '--backend', 'cpu'],
    1,
    /The checkpoint is at step 2, already past --steps 1: give --steps larger than 2 to train further \(e\.g\. --steps 4\)/,
  ],
  [
    'dropout with one layer, in flags',
    ['train', 'text.txt', '--dropout', '0.2', '--layers', '1'],
    2,
    /--dropout acts between stacked layers, and there is 1 layer: give --layers 2 or more, or drop --dropout/,
  ],
  [
    'fractional seed',
    ['sample', 'base', '--seed', '1.5'],
    2,
    /--seed must be a whole number ≥ 0, got 1\.5\./,
  ],
  ['eval of bad JSON', ['eval', 'badjson', 'text.txt'], 1, /not valid JSON/],
  [
    'eval on other characters',
    ['eval', 'base', 'other.txt', '--backend', 'cpu'],
    1,
    /'other.txt' has a character the checkpoint's vocabulary lacks/,
  ],
  ['eval on an empty file', ['eval', 'base', 'empty.txt'], 1, /'empty.txt' is empty/],
];

describe('bad input to rnnkit train, sample and eval', { timeout: 60_000 }, () => {
  let before = '';
  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), generatedText(3000));
    writeFileSync(join(dir, 'short.txt'), generatedText(300));
    writeFileSync(join(dir, 'other.txt'), `${generatedText(2000)}ZQ`);
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'nul.txt'), 'the cat\u0000sat');
    writeFileSync(join(dir, 'binary.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]));
    const base = await rnnkit(
      dir,
      'train',
      'text.txt',
      '--checkpoint-dir',
      'base',
      ...TINY,
      '--steps',
      '2',
      '--eval-every',
      '2',
      '--sample-length',
      '0',
    );
    expect(base.code).toBe(0);
    brokenCopy('badjson', (json) => [json.slice(0, json.length / 2)]);
    brokenCopy('truncated', (json, w) => [json, w.subarray(0, w.length / 2)]);
    brokenCopy('oversized', (json, w) => [json, Buffer.concat([w, Buffer.alloc(8)])]);
    brokenCopy('noweights', (json) => [json]);
    brokenCopy('notrnnkit', (json, w) => [json.replace('"rnnkit-char-lm"', '"layers-model"'), w]);
    copyFileSync(join(dir, 'text.txt'), join(dir, 'copy.txt'));
    before = hashTree(join(dir, 'base'));
  });

  // Usage errors (exit 2) are found before any file, checkpoint or tfjs backend is touched, so
  // they run in-process through runCli (what bin.js calls); the rest spawn the built CLI.
  it.concurrent.each(CASES)('%s', async (_what, args, code, message) => {
    const r = code === 2 ? await inProcess(args) : await rnnkit(dir, ...args);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/^rnnkit (train|sample|eval): [^\n]+\n$/); // one line
    expect(r.code).toBe(code);
  });

  it('skips unknown prime characters with a warning under --skip-unknown', async () => {
    const r = await rnnkit(
      dir,
      'sample',
      'base',
      '--prime',
      'the ZOO',
      '--skip-unknown',
      '--length',
      '5',
      '--backend',
      'cpu',
    );
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'rnnkit sample: warning: skipped 3 prime character(s) the model never saw: "ZO"\n',
    );
    expect(r.out).toMatch(/^the .{5}\n$/s);
  });

  it('reads --prime "" as no prime, and evaluates with --skip-unknown', async () => {
    const [empty, skipped] = await Promise.all([
      rnnkit(dir, 'sample', 'base', '--prime', '', '--length', '5', '--backend', 'cpu'),
      rnnkit(dir, 'eval', 'base', 'other.txt', '--skip-unknown', '--json', '--backend', 'cpu'),
    ]);
    expect(empty.code).toBe(0);
    expect(empty.err).toBe('');
    expect(empty.out).toMatch(/^.{5}\n$/s);
    expect(skipped.code).toBe(0);
    expect(skipped.err).toBe(
      'rnnkit eval: warning: skipped 2 character(s) the model never saw: "ZQ"\n',
    );
    expect(JSON.parse(skipped.out)).toMatchObject({ skipped: 2 });
  });

  afterAll(() => {
    // No bad input changed the run's checkpoints, and none created a checkpoint elsewhere.
    expect(hashTree(join(dir, 'base'))).toBe(before);
    expect(existsSync(join(dir, 'checkpoints'))).toBe(false);
  });
});
