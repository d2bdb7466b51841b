// Which checkpoint a path names (apps/cli/README.md, "Checkpoint paths"): sample, eval and
// export take a run's folder as its best/ (else latest/), --resume takes its latest/. The run
// folder here holds two different models as best/ and latest/, so each choice shows.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedText, rnnkit, TINY } from './test-support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-paths-'));

const ok = async (...args: string[]) => {
  const r = await rnnkit(dir, ...args);
  expect(r.code, r.err).toBe(0);
  return r.out;
};
const sample = (path: string) =>
  ok('sample', path, '--length', '40', '--seed', '1', '--backend', 'cpu');
const evalLoss = async (path: string) =>
  JSON.parse(await ok('eval', path, 'text.txt', '--json', '--backend', 'cpu')).loss as number;
const step = (folder: string) =>
  JSON.parse(readFileSync(join(dir, folder, 'model.json'), 'utf8')).userDefinedMetadata.training
    .step as number;

describe('checkpoint paths', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), generatedText(2000));
    const common = ['--sample-length', '0', '--eval-every', '100', ...TINY];
    await Promise.all([
      ok('train', 'text.txt', ...common, '--steps', '2', '--seed', '1', '--checkpoint-dir', 'a'),
      ok('train', 'text.txt', ...common, '--steps', '3', '--seed', '2', '--checkpoint-dir', 'b'),
    ]);
    // run/best is run a's model at step 2, run/latest run b's at step 3.
    cpSync(join(dir, 'a', 'latest'), join(dir, 'run', 'best'), { recursive: true });
    cpSync(join(dir, 'b', 'latest'), join(dir, 'run', 'latest'), { recursive: true });
    expect([step('run/best'), step('run/latest')]).toEqual([2, 3]);
  });

  it("sample, eval and export read a run's best/, else its latest/", async () => {
    const best = await sample('a/latest');
    const latest = await sample('b/latest');
    expect(best).not.toBe(latest);
    expect(await sample('run')).toBe(best);
    expect(await sample('run/latest/model.json')).toBe(latest);
    expect(await evalLoss('run')).toBe(await evalLoss('a/latest'));
    await ok('export', 'run', '--format', 'safetensors', '--out', 'run.safetensors');
    await ok('export', 'a/latest', '--format', 'safetensors', '--out', 'a.safetensors');
    expect(readFileSync(join(dir, 'run.safetensors'))).toEqual(
      readFileSync(join(dir, 'a.safetensors')),
    );

    cpSync(join(dir, 'run'), join(dir, 'run-latest-only'), { recursive: true });
    rmSync(join(dir, 'run-latest-only', 'best'), { recursive: true });
    expect(await sample('run-latest-only')).toBe(latest);
  });

  it("--resume continues a run's latest/ and keeps checkpointing in the run's folder", async () => {
    const r = await rnnkit(
      dir,
      ...['train', 'text.txt', '--resume', 'run', '--steps', '4', '--backend', 'cpu'],
    );
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/Resuming at step 3:.*checkpoints in run\./);
    expect(step('run/latest')).toBe(4);
  });
});
