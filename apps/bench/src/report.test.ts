// The bench's table: every configuration of issue 3, ratios, skipped rows named, flat memory.
import { describe, expect, it } from 'vitest';
import { type BenchConfig, CONFIGS, layersStepSeconds } from './configs.js';
import type { Measurement } from './measure.js';
import { formatTable } from './report.js';

const m = (charsPerSec: number, tensors = 5): Measurement => ({
  charsPerSec,
  peakRssMb: 100,
  tensors,
  tensorsAfterWarmup: 5,
  peakTensorMb: 1,
});

describe('bench report', () => {
  it('covers the rows of the issue', () => {
    expect(
      CONFIGS.map((c) => `${c.suite} ${c.cell} ${c.hidden}x${c.layers} T${c.seqLength}`),
    ).toEqual([
      'train lstm 128x1 T64',
      'train lstm 256x2 T64',
      'train gru 128x1 T64',
      'train rnn 128x1 T64',
      'train lstm 128x1 T1024',
      'sample lstm 128x2 T1',
    ]);
  });

  it('skips only tfjs-layers rows known to take over a minute', () => {
    const slow = CONFIGS.filter((c) => (layersStepSeconds('wasm', c) ?? 0) * 2 > 60);
    expect(slow.map((c) => c.seqLength)).toEqual([1024]);
  });

  it('prints ratios, skipped rows with their reason, and whether memory stayed flat', () => {
    const [train, long] = [CONFIGS[0], CONFIGS[4]] as [BenchConfig, BenchConfig];
    const table = formatTable([
      {
        backend: 'wasm',
        config: train,
        rnnkit: m(20000),
        layers: m(2000),
        ratio: 10,
        skipped: undefined,
      },
      {
        backend: 'wasm',
        config: long,
        rnnkit: m(19000, 7),
        layers: undefined,
        ratio: null,
        skipped: 'too slow',
        linearity: {
          throughput: 0.95,
          memory: 14.2,
          length: 16,
          workers: [{ workers: 2, throughput: 0.91 }],
        },
      },
    ]);
    expect(table).toContain('| wasm | train lstm h128 T64 | 20,000 | 2,000 | 10× |');
    expect(table).toContain('skipped: too slow');
    expect(table).toContain('5 (flat)');
    expect(table).toContain('7 (+2)');
    expect(table).toContain('throughput 95% of T64');
    expect(table).toContain('with 2 workers: throughput 91% of T64 with 2 workers');
  });
});
