// The bench's command line: --help prints the flags, a wrong flag is one line plus the usage.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('pnpm bench flags', () => {
  it('--help lists every flag and exits 0 without running anything', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const flag of [
      '--json',
      '--backend',
      '--seconds',
      '--impl',
      '--config',
      '--torch-threads',
      '--workers',
      '--simd-ab',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stderr).toBe('');
  }, 60_000);

  it('an unknown flag is named on one line, with the usage, exit 2 and no stack trace', () => {
    const r = run('--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("Unknown option '--bogus'");
    expect(r.stderr).toContain('--workers');
    expect(r.stderr).not.toContain('    at ');
  }, 60_000);
});
