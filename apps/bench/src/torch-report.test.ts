// How PyTorch appears in the report: the skip line, the banner naming the BLAS, the table's
// PyTorch columns and the JSON rows.
import { describe, expect, it } from 'vitest';
import { type BenchConfig, CONFIGS } from './configs.js';
import type { Measurement } from './measure.js';
import { formatTable, NOT_SELECTED } from './report.js';
import type { TorchClient } from './torch-client.js';
import type { TorchHello } from './torch-protocol.js';
import {
  torchBanner,
  torchCells,
  torchJsonLines,
  torchResult,
  torchSkipLine,
} from './torch-report.js';

const m = (charsPerSec: number): Measurement => ({
  charsPerSec,
  peakRssMb: 100,
  tensors: 5,
  tensorsAfterWarmup: 5,
  peakTensorMb: 1,
});
const OPENBLAS = 'OpenBLAS 0.3.21 openmp Haswell';
const hello = (blas: string): TorchHello => ({
  torch: '1.13.1',
  python: '3.11.2',
  defaultThreads: 2,
  blas,
  blasLibrary: '/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3',
  blasConfig: null,
});
const client = {} as TorchClient;

describe('PyTorch in the report', () => {
  it('says in one line that the PyTorch rows were skipped, and why', () => {
    const line = torchBanner({ ok: false, reason: '/usr/bin/python3 cannot import torch' }, false);
    expect(line).toBe('PyTorch rows skipped: /usr/bin/python3 cannot import torch\n');
    expect(line).toBe(torchSkipLine('/usr/bin/python3 cannot import torch'));
    expect(line.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(torchBanner({ ok: false, reason: 'no torch' }, true))).toEqual({
      impl: 'pytorch',
      skipped: 'no torch',
    });
  });

  it('names the BLAS PyTorch loaded, and warns when it is not OpenBLAS', () => {
    const start = { ok: true as const, client, blasDir: '/usr/lib/x/openblas-openmp' };
    expect(torchBanner({ ...start, hello: hello(OPENBLAS) }, false)).toBe(
      `PyTorch 1.13.1 (Python 3.11.2) with ${OPENBLAS} from /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3\n`,
    );
    expect(torchBanner({ ...start, hello: hello('reference BLAS') }, false)).toMatch(
      /reference BLAS .*warning: OpenBLAS was put first on LD_LIBRARY_PATH/,
    );
    expect(
      torchBanner({ ...start, blasDir: undefined, hello: hello('reference BLAS') }, false),
    ).toMatch(/apt-get install -y libopenblas0-openmp/);
  });

  it('gives the table PyTorch chars/s, rnnkit/PyTorch per thread count and the BLAS', () => {
    const [train, sample] = [CONFIGS[0], CONFIGS[5]] as [BenchConfig, BenchConfig];
    const rnnkit = m(18000);
    const pytorch = [
      torchResult(rnnkit, m(67000), 2, OPENBLAS),
      torchResult(rnnkit, m(40000), 1, OPENBLAS),
    ];
    expect(pytorch.map((r) => r.ratio)).toEqual([0.27, 0.45]);
    expect(torchCells(undefined)).toEqual(['—', '—', '—']);
    const table = formatTable([
      {
        backend: 'wasm',
        config: train,
        rnnkit,
        layers: m(1800),
        ratio: 10,
        skipped: undefined,
        pytorch,
      },
      {
        backend: 'wasm',
        config: sample,
        rnnkit: m(9000),
        layers: undefined,
        ratio: null,
        skipped: NOT_SELECTED,
        pytorch: [torchResult(m(9000), m(5000), 1, OPENBLAS)],
      },
    ]);
    expect(table).toContain('| rnnkit/PyTorch |');
    expect(table).toContain(
      `| wasm | train lstm h128 T64 | 18,000 | 1,800 | 10× | 67,000 @2t / 40,000 @1t | 0.27× @2t / 0.45× @1t | ${OPENBLAS} |`,
    );
    expect(table).toContain(
      `| wasm | sample lstm h128x2 batch 1 | 9,000 | — | — | 5,000 @1t | 1.8× @1t | ${OPENBLAS} |`,
    );
    expect(table).not.toContain('skipped: not selected');
    const widths = table
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) => l.split('|').length);
    expect(new Set(widths).size).toBe(1);
  });

  it('writes PyTorch JSON rows with impl, threads and BLAS, and the ratio against rnnkit', () => {
    const base = { backend: 'cpu', cell: 'lstm', hidden: 128, layers: 1, batch: 32, seqLength: 64 };
    const lines = torchJsonLines('train', base, torchResult(m(18000), m(67000), 2, OPENBLAS))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      suite: 'train',
      impl: 'pytorch',
      ...base,
      threads: 2,
      blas: OPENBLAS,
      charsPerSec: 67000,
      peakRssMb: 100,
    });
    expect(lines[1]).toEqual({
      suite: 'train',
      ratio: 0.27,
      vs: 'pytorch',
      threads: 2,
      blas: OPENBLAS,
      ...base,
    });
  });
});
