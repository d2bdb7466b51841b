import { initBackend } from '@rnnkit/backend';
import { type BenchConfig, CONFIGS, describeConfig, layersStepSeconds } from './configs.js';
import { layersRunner } from './layers-runner.js';
import { loadTfjsLayers } from './load-tfjs-layers.js';
import { type Measurement, measureInterleaved } from './measure.js';
import { formatTable, type Row } from './report.js';
import { rnnkitNoSimdRunner, rnnkitRunner, rnnkitWorkersRunner } from './rnnkit-runner.js';

export interface BenchOptions {
  backends?: readonly ('cpu' | 'wasm')[];
  /** One JSON line per measurement and per ratio instead of the table. */
  json?: boolean;
  /** Only these configurations (default: every row of issue 3's table). */
  configs?: readonly BenchConfig[];
  /** Seconds each implementation is timed per configuration, after warm-up (default 3). */
  seconds?: number;
  /** Extra rnnkit training rows with this many worker threads each (data parallel). */
  workers?: readonly number[];
  /** An extra rnnkit training row with its SIMD kernels off (same process, interleaved). */
  simdAb?: boolean;
  out?: (text: string) => void;
}

/** Longest a tfjs-layers row may take (warm-up plus timed steps) before it is skipped. */
const LAYERS_BUDGET_SECONDS = 60;

/**
 * rnnkit against tfjs-layers on the same backend, configuration and data, in this process,
 * interleaved step by step per configuration. Returns the rows; prints JSON lines or a table.
 */
export async function runBench(options: BenchOptions = {}): Promise<Row[]> {
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const tfl = await loadTfjsLayers();
  const rows: Row[] = [];
  for (const backend of options.backends ?? ['wasm', 'cpu']) {
    await initBackend({ backend });
    for (const config of options.configs ?? CONFIGS) {
      const { suite, ...shape } = config;
      const base = { backend, ...shape };
      const expected = layersStepSeconds(backend, config);
      let skipped: string | undefined;
      if (tfl == null) skipped = '@tensorflow/tfjs-layers is not installed';
      else if (expected != null && expected * 2 > LAYERS_BUDGET_SECONDS) {
        skipped = `~${Math.round(expected)} s per step: warm-up and one step exceed ${LAYERS_BUDGET_SECONDS} s`;
      }
      // Long sequences are timed against rnnkit at T = 64, interleaved: the linearity check.
      const reference =
        suite === 'train' && config.seqLength > 64 ? { ...config, seqLength: 64 } : undefined;
      const extra = suite === 'train' && config.seqLength === 64;
      const workerCounts = extra ? (options.workers ?? []).filter((n) => n >= 1) : [];
      const noSimd = extra && options.simdAb === true && backend === 'wasm';
      const makers = [
        () => rnnkitRunner(config),
        ...(tfl && !skipped ? [() => layersRunner(tfl, config)] : []),
        ...(reference ? [() => rnnkitRunner(reference)] : []),
        ...workerCounts.map((n) => () => rnnkitWorkersRunner(config, n)),
        ...(noSimd ? [() => rnnkitNoSimdRunner(config)] : []),
      ];
      const runners = makers.map((make) => make());
      let measured: Measurement[];
      try {
        measured = await measureInterleaved(
          runners.map((r) => r.step),
          options.seconds ?? 3,
        );
      } finally {
        for (const r of runners) r.dispose();
      }
      const rnnkit = measured[0] as Measurement;
      const layers = tfl && !skipped ? measured[1] : undefined;
      const short = reference ? measured[tfl && !skipped ? 2 : 1] : undefined;
      const firstExtra = 1 + (tfl && !skipped ? 1 : 0) + (reference ? 1 : 0);
      const variants = [
        ...workerCounts.map((workers, i) => ({
          workers,
          simd: true,
          m: measured[firstExtra + i] as Measurement,
        })),
        ...(noSimd
          ? [
              {
                workers: 1,
                simd: false,
                m: measured[firstExtra + workerCounts.length] as Measurement,
              },
            ]
          : []),
      ];
      emit(out, options.json, { suite, impl: 'rnnkit', workers: 1, ...base, ...rnnkit });
      for (const v of variants) {
        emit(out, options.json, {
          suite,
          impl: 'rnnkit',
          workers: v.workers,
          ...(v.simd ? {} : { simd: false }),
          ...base,
          ...v.m,
        });
      }
      if (layers) emit(out, options.json, { suite, impl: 'tfjs-layers', ...base, ...layers });
      const ratio = layers ? round1(rnnkit.charsPerSec / layers.charsPerSec) : null;
      const linearity = short && {
        throughput: round1((rnnkit.charsPerSec / short.charsPerSec) * 100) / 100,
        memory: round1(rnnkit.peakTensorMb / short.peakTensorMb),
        length: config.seqLength / 64,
      };
      if (options.json) {
        out(`${JSON.stringify({ suite, ratio, ...base, ...(skipped ? { skipped } : {}) })}\n`);
        if (linearity)
          out(`${JSON.stringify({ suite, check: 'linearity', ...base, ...linearity })}\n`);
      } else {
        out(`  ${backend} ${describeConfig(config)}: done\n`);
      }
      const rnnkitVariants = variants.map((v) => ({
        workers: v.workers,
        simd: v.simd,
        charsPerSec: v.m.charsPerSec,
      }));
      rows.push({ backend, config, rnnkit, layers, ratio, skipped, linearity, rnnkitVariants });
    }
  }
  if (!options.json) out(formatTable(rows));
  return rows;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function emit(out: (s: string) => void, json: boolean | undefined, m: Record<string, unknown>) {
  if (!json) return;
  const { tensorsAfterWarmup: _, peakTensorMb, ...line } = m;
  out(`${JSON.stringify({ ...line, peakTensorMb })}\n`);
}
