// The packages as users get them (slow; `pnpm test:consumer`): pack every @rnnkit package,
// lint the tarballs (publint, @arethetypeswrong/cli), install them with npm into a fresh
// project outside the workspace (tfjs from the registry), then run a Node ESM script on the
// wasm backend and a Vite production build of a page that imports them.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PACKAGES = ['core', 'tokenizer', 'backend', 'cells', 'optim', 'trainer'];
const PNPM = ['-y', 'pnpm@10.34.9'];
const project = mkdtempSync(join(tmpdir(), 'rnnkit-consumer-'));
const tarballs = join(project, 'tarballs');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      timeout,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`,
    );
  }
}

const tarball = (name: string) => join(tarballs, `rnnkit-${name}-${version(name)}.tgz`);
/** The CLI, published unscoped as `rnnkit` (apps/cli). */
const CLI_DIR = join(ROOT, 'apps', 'cli');
const cliTarball = () =>
  join(
    tarballs,
    `rnnkit-${JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')).version}.tgz`,
  );
function version(name: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')).version;
}

describe('consumer project', () => {
  beforeAll(() => {
    mkdirSync(tarballs);
    for (const name of PACKAGES) {
      run('npx', [...PNPM, 'pack', '--pack-destination', tarballs], join(ROOT, 'packages', name));
    }
    run('npx', [...PNPM, 'pack', '--pack-destination', tarballs], CLI_DIR);
  });
  // The project holds a full node_modules; RNNKIT_KEEP_TMP=1 keeps it for a look after a failure.
  afterAll(() => {
    if (!process.env.RNNKIT_KEEP_TMP) rmSync(project, { recursive: true, force: true });
  });

  it.each(PACKAGES)(
    '@rnnkit/%s: tarball has dist, sources, README and LICENSE only; ranges rewritten',
    (name) => {
      const files = run('tar', ['tzf', tarball(name)], project)
        .trim()
        .split('\n');
      const top = new Set(files.map((f) => f.replace(/^package\//, '').split('/')[0]));
      // @rnnkit/core also ships the C sources of its SIMD kernels (csrc), beside the .wasm built from them.
      const extra = name === 'core' ? ['csrc'] : [];
      expect([...top].sort()).toEqual(
        ['LICENSE', 'README.md', ...extra, 'dist', 'package.json', 'src'].sort(),
      );
      expect(files.filter((f) => /\.itest\.|test-support/.test(f))).toEqual([]);
      const manifest = run('tar', ['xzf', tarball(name), '-O', 'package/package.json'], project);
      expect(manifest).not.toMatch(/workspace:|catalog:/);
      const pkg = JSON.parse(manifest);
      if (name !== 'tokenizer' && name !== 'core')
        expect(pkg.peerDependencies['@tensorflow/tfjs-core']).toBe('^4.22.0');
      expect(pkg.dependencies?.['@tensorflow/tfjs-core']).toBeUndefined();
    },
  );

  it.each(PACKAGES)('@rnnkit/%s: publint and attw (ESM-only profile) report nothing', (name) => {
    expect(run(bin('publint'), ['run', tarball(name), '--strict'], project)).toMatch(/All good/);
    run(
      bin('attw'),
      [tarball(name), '--profile', 'esm-only', '--format', 'table-flipped'],
      project,
    );
  });

  it('rnnkit (the CLI): a bin, dist and README only, no private or workspace dependency', () => {
    const files = run('tar', ['tzf', cliTarball()], project).trim().split('\n');
    const top = new Set(files.map((f) => f.replace(/^package\//, '').split('/')[0]));
    expect([...top].sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json', 'src']);
    expect(files.filter((f) => /\.test\.|test-support/.test(f))).toEqual([]);
    const pkg = JSON.parse(
      run('tar', ['xzf', cliTarball(), '-O', 'package/package.json'], project),
    );
    expect(pkg.bin).toEqual({ rnnkit: './dist/bin.js' });
    expect(pkg.private).toBeUndefined();
    expect(JSON.stringify(pkg)).not.toMatch(/workspace:|catalog:|@rnnkit\/bench/);
    expect(run(bin('publint'), ['run', cliTarball(), '--strict'], project)).toMatch(/All good/);
  });

  it('installs from the tarballs with npm, then trains and samples on wasm under plain Node', () => {
    const deps = Object.fromEntries(PACKAGES.map((n) => [`@rnnkit/${n}`, `file:${tarball(n)}`]));
    deps.rnnkit = `file:${cliTarball()}`;
    const pkg = { name: 'rnnkit-consumer', private: true, type: 'module', dependencies: deps };
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        { ...pkg, dependencies: { ...deps, '@tensorflow/tfjs-core': '4.22.0' } },
        null,
        2,
      ),
    );
    cpSync(join(ROOT, 'integration', 'consumer'), project, { recursive: true });
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project, 600_000);
    // One engine: npm must not have installed a second tfjs-core anywhere.
    const cores = run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], project)
      .trim()
      .split('\n');
    expect(new Set(cores).size).toBe(1);
    const out = JSON.parse(run('node', ['train.mjs'], project).trim().split('\n').at(-1) ?? '{}');
    expect(out).toMatchObject({
      backend: 'wasm',
      prediction: 'ihello',
      greedy: 'ihello',
      reloaded: 'ihello',
      tensors: 6,
    });
    expect(out.loss).toBeLessThan(0.1);
  });

  it('npx rnnkit: demo hihello, then a tiny train + sample with clean JSON on stdout', () => {
    const demo = run('npx', ['rnnkit', 'demo', 'hihello', '--backend', 'wasm'], project);
    expect(demo).toMatch(/prediction: ihello/);
    writeFileSync(join(project, 'tiny.txt'), 'the cat sat on the mat. '.repeat(200));
    const tiny = ['--hidden', '16', '--batch', '4', '--seq-length', '16', '--steps', '4'];
    const train = run(
      'npx',
      [
        'rnnkit',
        'train',
        'tiny.txt',
        ...tiny,
        '--eval-every',
        '2',
        '--json',
        '--checkpoint-dir',
        'run',
      ],
      project,
    );
    const records = train
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records[0]).toMatchObject({ type: 'start', backend: { name: 'wasm' } });
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'completed', step: 4 });
    const text = run(
      'npx',
      ['rnnkit', 'sample', 'run', '--prime', 'the ', '--length', '20'],
      project,
    );
    expect(text).toMatch(/^the .{20}\n$/s);
    const help = run('npx', ['rnnkit', 'bench', '--help'], project);
    expect(help).toMatch(/^Usage: rnnkit bench/);
  });

  it('builds a page that imports the packages with Vite (production)', () => {
    const log = run(
      'node',
      [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
      project,
    );
    const assets = readdirSync(join(project, 'dist', 'assets'));
    expect(assets.filter((f) => f.endsWith('.wasm')).length).toBe(3);
    const js = assets
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(project, 'dist', 'assets', f), 'utf8'));
    expect(js.join('\n')).toMatch(/hihello/);
    expect(log).not.toMatch(/error/i);
  });
});
