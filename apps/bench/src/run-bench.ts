import { availableParallelism, loadavg } from 'node:os';
import { initBackend } from '@rnnkit/backend';
import { IMPLS, type Impl } from './bench-selection.js';
import { type BenchConfig, CONFIGS, describeConfig, layersStepSeconds } from './configs.js';
import { layersRunner } from './layers-runner.js';
import { loadTfjsLayers } from './load-tfjs-layers.js';
import { type Measurement, measureInterleaved } from './measure.js';
import { formatTable, NOT_SELECTED, type Row } from './report.js';
import { rnnkitNoSimdRunner, rnnkitRunner, rnnkitWorkersRunner } from './rnnkit-runner.js';
import { startTorch, type TorchStart } from './start-torch.js';
import { type TorchResult, torchBanner, torchJsonLines, torchResult } from './torch-report.js';
import { type TorchParticipant, torchParticipant, torchThreads } from './torch-runner.js';

export interface BenchOptions {
  backends?: readonly ('cpu' | 'wasm')[];
  /** One JSON line per measurement and per ratio instead of the table. */
  json?: boolean;
  /** Only these configurations (default: every row of issue 3's table). */
  configs?: readonly BenchConfig[];
  /** Seconds each implementation is timed per configuration, after warm-up (default 3). */
  seconds?: number;
  /** Implementations to run (default all); rnnkit always runs. */
  impls?: readonly Impl[];
  /** PyTorch's intra-op thread counts for training rows (default [2, 1]); sampling uses 1. */
  torchThreads?: readonly number[];
  /** Extra rnnkit training rows with this many worker threads each (data parallel). */
  workers?: readonly number[];
  /** An extra rnnkit row with its SIMD kernels off (same process, interleaved): training rows
   *  at T = 64 on wasm, and sampling on either backend. */
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
  const impls = options.impls ?? IMPLS;
  const tfl = impls.includes('tfjs-layers') ? await loadTfjsLayers() : undefined;
  const torch = impls.includes('pytorch') ? await startTorch() : undefined;
  if (torch) out(torchBanner(torch, options.json));
  const loadStart = loadavg()[0] as number;
  try {
    const rows = await benchRows(options, out, impls, tfl, torch?.ok ? torch : undefined);
    out(loadLine(loadStart, loadavg()[0] as number, options.json));
    return rows;
  } finally {
    if (torch?.ok) await torch.client.close();
  }
}

async function benchRows(
  options: BenchOptions,
  out: (text: string) => void,
  impls: readonly Impl[],
  tfl: Awaited<ReturnType<typeof loadTfjsLayers>>,
  torch: Extract<TorchStart, { ok: true }> | undefined,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const backend of options.backends ?? ['wasm', 'cpu']) {
    await initBackend({ backend });
    for (const config of options.configs ?? CONFIGS) {
      const { suite, ...shape } = config;
      const base = { backend, ...shape };
      const expected = layersStepSeconds(backend, config);
      let skipped: string | undefined;
      if (!impls.includes('tfjs-layers')) skipped = NOT_SELECTED;
      else if (tfl == null) skipped = '@tensorflow/tfjs-layers is not installed';
      else if (expected != null && expected * 2 > LAYERS_BUDGET_SECONDS) {
        skipped = `~${Math.round(expected)} s per step: warm-up and one step exceed ${LAYERS_BUDGET_SECONDS} s`;
      }
      // Long sequences are timed against rnnkit at T = 64, interleaved: the linearity check.
      const reference =
        suite === 'train' && config.seqLength > 64 ? { ...config, seqLength: 64 } : undefined;
      const extra = suite === 'train' && config.seqLength === 64;
      const workerCounts = suite === 'train' ? (options.workers ?? []).filter((n) => n >= 1) : [];
      // With workers, the long sequence is checked against T = 64 with as many workers too.
      const referenceWorkers = reference ? workerCounts : [];
      // rnnkit's SIMD runs on wasm for training, and on both backends for sampling (its
      // stepper has a memory of its own)
      const noSimd =
        options.simdAb === true && ((extra && backend === 'wasm') || suite === 'sample');
      const makers = [
        () => rnnkitRunner(config),
        ...(tfl && !skipped ? [() => layersRunner(tfl, config)] : []),
        ...(reference ? [() => rnnkitRunner(reference)] : []),
        ...workerCounts.map((n) => () => rnnkitWorkersRunner(config, n)),
        ...(noSimd ? [() => rnnkitNoSimdRunner(config)] : []),
        ...referenceWorkers.map((n) => () => rnnkitWorkersRunner(reference as BenchConfig, n)),
      ];
      const runners = makers.map((make) => make());
      const threads = torch ? torchThreads(config, options.torchThreads ?? [2, 1]) : [];
      const torchRunners: TorchParticipant[] = [];
      let measured: Measurement[];
      try {
        if (torch) {
          for (const n of threads)
            torchRunners.push(await torchParticipant(torch.client, config, n));
        }
        measured = await measureInterleaved(
          [...runners.map((r) => r.step), ...torchRunners.map((r) => r.step)],
          options.seconds ?? 3,
        );
      } finally {
        for (const r of runners) r.dispose();
        for (const r of torchRunners) await r.dispose();
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
      const pytorch: TorchResult[] | undefined = torch
        ? threads.map((n, i) =>
            torchResult(rnnkit, measured[runners.length + i] as Measurement, n, torch.hello.blas),
          )
        : undefined;
      emit(out, options.json, { suite, impl: 'rnnkit', ...base, workers: 1, ...rnnkit });
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
      const firstReferenceWorkers = firstExtra + variants.length;
      const linearity = short && {
        throughput: round1((rnnkit.charsPerSec / short.charsPerSec) * 100) / 100,
        memory: round1(rnnkit.peakTensorMb / short.peakTensorMb),
        length: config.seqLength / 64,
        workers: referenceWorkers.map((workers, i) => ({
          workers,
          throughput:
            round1(
              ((measured[firstExtra + i] as Measurement).charsPerSec /
                (measured[firstReferenceWorkers + i] as Measurement).charsPerSec) *
                100,
            ) / 100,
        })),
      };
      if (options.json) {
        for (const r of pytorch ?? []) out(torchJsonLines(suite, base, r));
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
      rows.push({
        backend,
        config,
        rnnkit,
        layers,
        ratio,
        skipped,
        linearity,
        pytorch,
        rnnkitVariants,
      });
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

/**
 * The machine's load around the run: other processes on the same cores slow every row, and
 * multi-threaded PyTorch most (its threads meet at a barrier per op, and wait for a descheduled
 * one), so a reader needs it to judge the @2t ratios.
 */
function loadLine(start: number, end: number, json: boolean | undefined): string {
  const cores = availableParallelism();
  const [a, b] = [start, end].map((x) => Math.round(x * 10) / 10);
  return json
    ? `${JSON.stringify({ check: 'load', loadStart: a, loadEnd: b, cores })}\n`
    : `- load average (1 min) at start / end: ${a} / ${b} on ${cores} cores\n`;
}
