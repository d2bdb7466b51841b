// Fuzzing the command line (issue 13): thousands of seeded argument lists — real and unknown
// command names (prototype names included), every flag, junk values — each end in exit code
// 0, 1 or 2 with a bounded message, never an exception. Files named do not exist, so no
// command gets as far as training or writing.
import { createRng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const COMMANDS = [
  'train',
  'sample',
  'eval',
  'export',
  'import',
  'verify',
  'help',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  '-',
  '--',
  '--help',
  '-h',
  'TRAIN',
  'trian',
];
const FLAGS = [
  '--cell',
  '--hidden',
  '--layers',
  '--dropout',
  '--batch',
  '--seq-length',
  '--lr',
  '--optimizer',
  '--schedule',
  '--lr-decay',
  '--lr-decay-every',
  '--lr-decay-after',
  '--warmup',
  '--min-lr',
  '--clip',
  '--steps',
  '--epochs',
  '--eval-every',
  '--sample-length',
  '--log-every',
  '--checkpoint-dir',
  '--force',
  '--backend',
  '--seed',
  '--val-fraction',
  '--resume',
  '--json',
  '--prime',
  '--length',
  '--temperature',
  '--top-k',
  '--top-p',
  '--greedy',
  '--skip-unknown',
  '--format',
  '--out',
  '--sidecar',
  '--__proto__',
  '--constructor',
  '--toString',
  '-x',
  '--help',
];
const VALUES = [
  '0',
  '-1',
  '1',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  '',
  ' ',
  'abc',
  'lstm',
  'gru',
  'rnn',
  'adam',
  'cosine',
  'off',
  'cpu',
  'wasm',
  'auto',
  'safetensors',
  'tfjs-layers',
  '__proto__',
  'constructor',
  '9007199254740993',
  '1'.repeat(400),
  'x'.repeat(3000),
  '../../../../etc/passwd',
  '/dev/zero',
  'nope-missing/model.json',
  'missing.txt',
];

describe('rnnkit arguments under fuzzing', { timeout: 120_000 }, () => {
  it('3000 argument lists: exit 0, 1 or 2 with a bounded message, never an exception', async () => {
    const rng = createRng(1331);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
    const codes: Record<number, number> = {};
    for (let trial = 0; trial < 3000; trial++) {
      const argv = [pick(COMMANDS)];
      if (rng() < 0.8) argv.push(pick(['missing.txt', 'nope-missing', 'nope-missing/model.json']));
      for (let n = Math.floor(rng() * 6); n > 0; n--) {
        const r = rng();
        if (r < 0.6) argv.push(pick(FLAGS), pick(VALUES));
        else if (r < 0.8) argv.push(`${pick(FLAGS)}=${pick(VALUES)}`);
        else argv.push(pick(r < 0.9 ? FLAGS : VALUES));
      }
      let out = '';
      let err = '';
      const code = await runCli(argv, {
        out: (t) => {
          out += t;
        },
        err: (t) => {
          err += t;
        },
      }).catch((error: unknown) => {
        throw new Error(`trial ${trial} ${JSON.stringify(argv).slice(0, 300)}: ${String(error)}`);
      });
      expect([0, 1, 2], `trial ${trial} ${JSON.stringify(argv).slice(0, 300)}: ${err}`).toContain(
        code,
      );
      expect(err.length, `trial ${trial}`).toBeLessThan(2600);
      if (code !== 0) expect(err.length, `trial ${trial} says nothing`).toBeGreaterThan(0);
      else expect(out.length).toBeGreaterThan(0);
      codes[code] = (codes[code] ?? 0) + 1;
    }
    expect(codes[2] ?? 0).toBeGreaterThan(500);
    expect(codes[1] ?? 0).toBeGreaterThan(20);
  });
});
