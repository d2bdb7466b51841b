// runBench end to end on a tiny configuration (not a timing test: only the rows' shape).
// Without PyTorch the bench says so in one line and runs the rest; with it, PyTorch rows join.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { BenchConfig } from './configs.js';
import { runBench } from './run-bench.js';
import { pythonPath } from './start-torch.js';

const TINY: BenchConfig = {
  suite: 'train',
  cell: 'rnn',
  hidden: 4,
  layers: 1,
  batch: 2,
  seqLength: 4,
};
const saved = process.env.RNNKIT_PYTHON;

function hasTorch(): boolean {
  try {
    execFileSync(pythonPath(), ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

async function jsonRun(
  impls: ('rnnkit' | 'tfjs-layers' | 'pytorch')[],
  more: { configs?: BenchConfig[]; workers?: number[] } = {},
) {
  let text = '';
  await runBench({
    backends: ['cpu'],
    configs: [TINY],
    ...more,
    seconds: 0.02,
    impls,
    torchThreads: [1],
    json: true,
    out: (s) => {
      text += s;
    },
  });
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('runBench', () => {
  afterEach(() => {
    if (saved == null) delete process.env.RNNKIT_PYTHON;
    else process.env.RNNKIT_PYTHON = saved;
  });

  it('without PyTorch, says why in one line and still measures rnnkit (workers: 1)', async () => {
    process.env.RNNKIT_PYTHON = '/nonexistent/python3';
    const lines = await jsonRun(['rnnkit', 'pytorch']);
    expect(lines[0]).toEqual({
      impl: 'pytorch',
      skipped: '/nonexistent/python3 not found (set RNNKIT_PYTHON to a Python with torch)',
    });
    expect(lines.filter((l) => l.skipped && l.impl === 'pytorch')).toHaveLength(1);
    expect(lines[1]).toMatchObject({ impl: 'rnnkit', workers: 1, backend: 'cpu', cell: 'rnn' });
    expect(lines.some((l) => l.impl === 'tfjs-layers')).toBe(false);
  }, 60_000);

  it('times a long sequence with workers against T = 64 with as many workers', async () => {
    const long = { ...TINY, seqLength: 128 };
    const lines = await jsonRun(['rnnkit'], { configs: [long], workers: [2] });
    expect(lines.find((l) => l.impl === 'rnnkit' && l.workers === 2)).toMatchObject({
      seqLength: 128,
    });
    const check = lines.find((l) => l.check === 'linearity');
    expect(check.workers).toEqual([{ workers: 2, throughput: expect.any(Number) }]);
    expect(check.workers[0].throughput).toBeGreaterThan(0);
  }, 120_000);

  it('with --simd-ab, times sampling with SIMD off too, on cpu as on wasm', async () => {
    let text = '';
    const sampling: BenchConfig = { ...TINY, suite: 'sample', layers: 2, batch: 1, seqLength: 1 };
    await runBench({
      backends: ['cpu'],
      configs: [sampling],
      seconds: 0.02,
      impls: ['rnnkit'],
      simdAb: true,
      json: true,
      out: (s) => {
        text += s;
      },
    });
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.impl === 'rnnkit');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ suite: 'sample', backend: 'cpu', layers: 2 });
    expect(rows[0].simd).toBeUndefined();
    expect(rows[1]).toMatchObject({ suite: 'sample', simd: false });
    expect(rows[1].charsPerSec).toBeGreaterThan(0);
  }, 60_000);

  it.skipIf(!hasTorch())(
    'with PyTorch, adds its rows with threads and BLAS, and the ratio',
    async () => {
      const lines = await jsonRun(['rnnkit', 'pytorch']);
      expect(lines[0]).toMatchObject({
        impl: 'pytorch',
        check: 'runtime',
        blas: expect.any(String),
      });
      const row = lines.find((l) => l.impl === 'pytorch' && l.charsPerSec != null);
      expect(row).toMatchObject({ threads: 1, blas: lines[0].blas, backend: 'cpu', cell: 'rnn' });
      expect(row.charsPerSec).toBeGreaterThan(0);
      expect(lines.find((l) => l.vs === 'pytorch')).toMatchObject({ threads: 1 });
    },
    60_000,
  );
});
