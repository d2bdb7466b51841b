// Release machinery: the API reference (TypeDoc over every package's public exports) builds,
// and `changeset version` bumps every @rnnkit package and the `rnnkit` CLI in lock-step with a
// CHANGELOG each.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGES = ['core', 'tokenizer', 'backend', 'cells', 'optim', 'trainer'];
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

describe('release', () => {
  it('generates docs/api from the TSDoc comments of every package', () => {
    execFileSync(bin('typedoc'), [], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
    const out = join(ROOT, 'docs', 'api');
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    for (const name of PACKAGES) {
      expect(existsSync(join(out, 'modules', `_rnnkit_${name}.html`)), name).toBe(true);
    }
    const page = readFileSync(join(out, 'functions', '_rnnkit_cells.readSafetensors.html'), 'utf8');
    expect(page).toMatch(/safetensors/);
  });

  it('changeset version bumps all @rnnkit packages together and writes their CHANGELOGs', () => {
    // On a copy of the committed tree: the version bump is for release time, never committed here.
    const copy = mkdtempSync(join(tmpdir(), 'rnnkit-release-'));
    execFileSync('sh', ['-c', `git -C "${ROOT}" archive HEAD | tar -x -C "${copy}"`]);
    execFileSync(bin('changeset'), ['version'], { cwd: copy, stdio: 'pipe', timeout: 120_000 });
    const versions = PACKAGES.map((name) => {
      const pkg = JSON.parse(readFileSync(join(copy, 'packages', name, 'package.json'), 'utf8'));
      expect(readFileSync(join(copy, 'packages', name, 'CHANGELOG.md'), 'utf8')).toMatch(
        /First release/,
      );
      return pkg.version;
    });
    expect(new Set(versions).size).toBe(1);
    expect(versions[0]).not.toBe('0.0.0');
    // The CLI is published as `rnnkit` in the same lock-step group; the bench app stays private.
    const cli = JSON.parse(readFileSync(join(copy, 'apps', 'cli', 'package.json'), 'utf8'));
    expect(cli.version).toBe(versions[0]);
    expect(existsSync(join(copy, 'apps', 'cli', 'CHANGELOG.md'))).toBe(true);
    expect(existsSync(join(copy, 'apps', 'bench', 'CHANGELOG.md'))).toBe(false);
    rmSync(copy, { recursive: true, force: true });
  });
});
