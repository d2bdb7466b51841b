// "Writes are atomic: a crash leaves the previous checkpoint loadable." The built CLI runs with
// a preloaded module that makes one file operation of the second save fail (a write that stops
// halfway, or the rename that publishes model.json); the first save must then still load, and
// the folder must hold no truncated, temporary or orphaned file.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-atomic-'));
const INJECT = join(dir, 'inject-failure.mjs');

// Fails the Nth file operation whose path contains RNNKIT_TEST_FAIL_PATH: either a write that
// stops halfway through its bytes, or a rename. syncBuiltinESMExports makes the CLI's named
// imports of node:fs/promises see the replacements.
const INJECT_SOURCE = `
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const mode = process.env.RNNKIT_TEST_FAIL;
const target = process.env.RNNKIT_TEST_FAIL_PATH;
const nth = Number(process.env.RNNKIT_TEST_FAIL_NTH ?? 1);
let seen = 0;
const hit = (path) => String(path).includes(target) && ++seen === nth;
const failure = (what) => Object.assign(new Error('EIO: injected ' + what + ' failure'), { code: 'EIO' });
const open = fsp.open;
const rename = fsp.rename;
if (mode === 'partial-write') {
  fsp.open = async function (path, ...rest) {
    const handle = await open.call(this, path, ...rest);
    if (hit(path)) {
      const write = handle.writeFile.bind(handle);
      handle.writeFile = async (data) => {
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        await write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        throw failure('write');
      };
    }
    return handle;
  };
}
if (mode === 'rename') {
  fsp.rename = async (from, to) => {
    if (hit(to)) throw failure('rename');
    return rename(from, to);
  };
}
syncBuiltinESMExports();
`;

/** `rnnkit train` with a failure injected into the given file operation. */
async function trainWithFailure(root: string, mode: string, path: string, nth: number) {
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --import=${pathToFileURL(INJECT).href}`.trim();
  process.env.RNNKIT_TEST_FAIL = mode;
  process.env.RNNKIT_TEST_FAIL_PATH = path;
  process.env.RNNKIT_TEST_FAIL_NTH = String(nth);
  try {
    return await rnnkit(
      dir,
      'train',
      'text.txt',
      ...TINY,
      ...['--steps', '4', '--eval-every', '2', '--sample-length', '0', '--checkpoint-dir', root],
    );
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

/** The step a checkpoint folder holds, and whether its files are exactly what it names. */
function inspect(folder: string) {
  const modelJson = JSON.parse(readFileSync(join(dir, folder, 'model.json'), 'utf8'));
  const named: string[] = modelJson.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
  return {
    step: modelJson.userDefinedMetadata.training.step as number,
    files: readdirSync(join(dir, folder)).sort(),
    expected: ['model.json', ...named].sort(),
  };
}

describe('atomic checkpoint writes', { timeout: 120_000 }, () => {
  beforeAll(() => {
    writeFileSync(join(dir, 'text.txt'), generatedText(3000));
    writeFileSync(INJECT, INJECT_SOURCE);
  });
  afterEach(() => {
    delete process.env.RNNKIT_TEST_FAIL;
    delete process.env.RNNKIT_TEST_FAIL_PATH;
    delete process.env.RNNKIT_TEST_FAIL_NTH;
  });

  it('without a failure, saves at step 2 and 4 (the premise of the tests below)', async () => {
    const r = await trainWithFailure('clean', 'none', 'nothing', 1);
    expect(r.code).toBe(0);
    const latest = inspect('clean/latest');
    expect(latest.step).toBe(4);
    expect(latest.files).toEqual(latest.expected);
    expect(latest.files).toHaveLength(2);
  });

  it('keeps the previous checkpoint when the weights write fails halfway', async () => {
    // Opens matching latest/weights-: the save at step 2, then the one at step 4.
    const r = await trainWithFailure('halfway', 'partial-write', join('latest', 'weights-'), 2);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/injected write failure/);
    const latest = inspect('halfway/latest');
    expect(latest.step).toBe(2);
    expect(latest.files).toEqual(latest.expected); // no temporary or truncated file
    const sample = await rnnkit(
      dir,
      'sample',
      'halfway/latest',
      '--length',
      '5',
      '--backend',
      'cpu',
    );
    expect(sample.code).toBe(0);
    const resume = await rnnkit(
      dir,
      ...['train', 'text.txt', '--resume', 'halfway', '--backend', 'cpu', '--steps', '3'],
    );
    expect(resume.code).toBe(0);
    expect(resume.err).toMatch(/Resuming at step 2:/);
  });

  it('keeps the previous checkpoint when publishing model.json fails', async () => {
    const r = await trainWithFailure('unrenamed', 'rename', join('latest', 'model.json'), 2);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/injected rename failure/);
    const latest = inspect('unrenamed/latest');
    expect(latest.step).toBe(2);
    // Neither model.json's temporary file nor the new weights it would have named stay behind.
    expect(latest.files).toEqual(latest.expected);
    const sample = await rnnkit(dir, 'sample', 'unrenamed', '--length', '5', '--backend', 'cpu');
    expect(sample.code).toBe(0);
    expect(inspect('unrenamed/best').step).toBe(2);
  });
});
