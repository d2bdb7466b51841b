// The built CLI under plain Node: tfjs-core resolves to its CommonJS build there, unlike under
// vitest, so this is what users run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const VECTORS = fileURLToPath(new URL('../../../fixtures/vectors', import.meta.url));

function rnnkit(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('rnnkit under plain Node', { timeout: 300_000 }, () => {
  it.each(['cpu', 'wasm'])('verify passes every reference file on %s', (backend) => {
    const r = rnnkit('verify', VECTORS, '--backend', backend);
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`\\n26 passed, 0 failed \\(backend ${backend}\\)`));
    expect(r.out).not.toMatch(/FAIL/);
    expect(r.code).toBe(0);
  });

  it('verify fails, naming the file, for a corrupt or altered reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-verify-'));
    writeFileSync(join(dir, 'broken.json'), '{"kind": "adam", ');
    writeFileSync(join(dir, 'unknown.json'), '{"kind": "mystery"}');
    const r = rnnkit('verify', dir, '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}broken.json +could not be run: SyntaxError/);
    expect(r.out).toMatch(
      /FAIL {2}unknown.json +could not be run: ReferenceFormatError: Unknown reference kind/,
    );
    expect(r.out).toMatch(/0 passed, 2 failed/);
  });

  it.each(['cpu', 'wasm'])('demo trains hihello and ifyou on %s', (backend) => {
    const r = rnnkit('demo', '--backend', backend);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/outputs shape \[3,5,2\]/);
    expect(r.out).toMatch(/^0 loss: \d+\.\d+ prediction: \w+$/m);
    expect(r.out).toMatch(/^49 loss: 0\.0\d+ prediction: ihello$/m);
    expect(r.out).toMatch(/^final prediction: ihello$/m);
    expect(r.out).toMatch(/^final prediction: if you want you$/m);
  });
});
