import { describe, expect, it } from 'vitest';
import { HELP, runCli } from './cli.js';
import type { Io } from './io.js';

async function call(...argv: string[]) {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe('rnnkit command line', () => {
  it('prints help with no command, --help and help', async () => {
    for (const argv of [[], ['--help'], ['help']]) {
      const r = await call(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toBe(HELP);
    }
    expect(HELP).toMatch(/demo/);
    expect(HELP).toMatch(/verify/);
  });

  it('has --help for every command', async () => {
    for (const command of ['demo', 'verify', 'bench']) {
      const r = await call(command, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: rnnkit ${command}`));
      expect((await call('help', command)).out).toBe(r.out);
    }
  });

  it('names an unknown command and the known ones', async () => {
    const r = await call('trian');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^rnnkit: unknown command 'trian'; did you mean 'train'\? Commands: demo, verify, bench/,
    );
  });

  it('explains bad options', async () => {
    const bad = [
      [
        ['demo', '--cell', 'transformer'],
        /--cell must be one of lstm, gru, rnn, got 'transformer'/,
      ],
      [['demo', '--iterations=0'], /--iterations must be a whole number ≥ 1, got 0\./],
      [['demo', '--iterations', '-3'], /--iterations must be a whole number ≥ 1, got -3\./],
      [['demo', '--iterations', '1.5'], /--iterations must be a whole number from 1 to 100000/],
      [
        ['demo', '--sed', '3'],
        /^rnnkit demo: unknown option --sed; did you mean --seed\? \(see 'rnnkit demo --help'\)\n$/,
      ],
      [['demo', '--backend', '--cell'], /--backend needs a value, but is followed by/],
      [['demo', '--backend', 'webgl'], /--backend must be one of cpu, wasm, auto/],
      [['demo', 'hihelo'], /must be one of shapes, hihello, ifyou, all, got 'hihelo'/],
      [['demo', '--colour'], /unknown option --colour \(see 'rnnkit demo --help'\)/],
      [['verify'], /verify needs a folder/],
      [['verify', '/no/such/folder'], /Cannot read '\/no\/such\/folder'/],
    ] as const;
    for (const [argv, message] of bad) {
      const r = await call(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('walks through the lecture shapes', async () => {
    const r = await call('demo', 'shapes', '--backend', 'cpu');
    expect(r.code).toBe(0);
    const shapes = [...r.out.matchAll(/outputs shape (\[[\d,]+\])/g)].map((m) => m[1]);
    expect(shapes).toEqual(['[1,1,2]', '[1,5,2]', '[3,5,2]']);
  });
});
