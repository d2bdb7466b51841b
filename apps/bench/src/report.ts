import { type BenchConfig, describeConfig } from './configs.js';
import type { Measurement } from './measure.js';
import { type TorchResult, torchCells } from './torch-report.js';

/** `skipped` when tfjs-layers was left out with --impl: shown as a dash, without a note. */
export const NOT_SELECTED = 'not selected (--impl)';

/** One configuration's result on one backend. */
export interface Row {
  backend: string;
  config: BenchConfig;
  rnnkit: Measurement;
  layers: Measurement | undefined;
  /** rnnkit chars/s ÷ tfjs-layers chars/s. */
  ratio: number | null;
  skipped: string | undefined;
  /** Long sequences: rnnkit's throughput and tensor peak relative to T = 64, interleaved. */
  linearity?:
    | {
        throughput: number;
        memory: number;
        length: number;
        /** The same throughput ratio with that many workers (both lengths, interleaved). */
        workers?: { workers: number; throughput: number }[];
      }
    | undefined;
  /** PyTorch per thread count, timed in the same rounds; undefined when it did not run. */
  pytorch?: TorchResult[] | undefined;
  /** rnnkit timed in the same rounds with other worker counts, or with its SIMD kernels off. */
  rnnkitVariants?: { workers: number; simd: boolean; charsPerSec: number }[];
}

const flat = (m: Measurement) =>
  m.tensors === m.tensorsAfterWarmup
    ? 'flat'
    : `${m.tensors - m.tensorsAfterWarmup >= 0 ? '+' : ''}${m.tensors - m.tensorsAfterWarmup}`;

/** A Markdown table of the rows, with notes for skipped tfjs-layers rows. */
export function formatTable(rows: readonly Row[]): string {
  const torch = rows.some((r) => r.pytorch);
  const head =
    '| backend | configuration | rnnkit chars/s | tfjs-layers chars/s | ratio | ' +
    (torch ? 'PyTorch chars/s | rnnkit/PyTorch | PyTorch BLAS | ' : '') +
    'rnnkit peak tensor MB | tfjs-layers peak tensor MB | peak RSS MB (rnnkit / layers) | rnnkit tensors |';
  const lines = rows.map((r) =>
    [
      r.backend,
      describeConfig(r.config),
      r.rnnkit.charsPerSec.toLocaleString('en-US'),
      r.layers
        ? r.layers.charsPerSec.toLocaleString('en-US')
        : r.skipped === NOT_SELECTED
          ? '—'
          : 'skipped',
      r.ratio == null ? '—' : `${r.ratio}×`,
      ...(torch ? torchCells(r.pytorch) : []),
      r.rnnkit.peakTensorMb,
      r.layers ? r.layers.peakTensorMb : '—',
      `${r.rnnkit.peakRssMb} / ${r.layers ? r.layers.peakRssMb : '—'}`,
      `${r.rnnkit.tensors} (${flat(r.rnnkit)})`,
    ].join(' | '),
  );
  const notes = rows
    .filter((r) => r.skipped && r.skipped !== NOT_SELECTED)
    .map((r) => `- tfjs-layers ${r.backend} ${describeConfig(r.config)} skipped: ${r.skipped}`);
  for (const r of rows.filter((row) => row.linearity)) {
    const l = r.linearity as NonNullable<Row['linearity']>;
    notes.push(
      `- linearity, ${r.backend} ${describeConfig(r.config)}: throughput ${Math.round(l.throughput * 100)}% ` +
        `of T64 (measured interleaved), tensor peak ${l.memory}× for ${l.length}× the length`,
    );
    for (const w of l.workers ?? []) {
      notes.push(
        `- linearity, ${r.backend} ${describeConfig(r.config)} with ${w.workers} workers: ` +
          `throughput ${Math.round(w.throughput * 100)}% of T64 with ${w.workers} workers (interleaved)`,
      );
    }
  }
  if (torch) {
    notes.push(
      '- ratio: rnnkit/tfjs-layers. PyTorch (a separate process, timed by itself in the same ' +
        'rounds): chars/s per intra-op thread count (@2t = 2 threads), and rnnkit/PyTorch.',
    );
  }
  for (const r of rows) {
    for (const v of r.rnnkitVariants ?? []) {
      const ratio = Math.round((v.charsPerSec / r.rnnkit.charsPerSec) * 100) / 100;
      notes.push(
        `- rnnkit ${r.backend} ${describeConfig(r.config)} ${v.simd ? `in the trainer loop with ${v.workers} worker${v.workers > 1 ? 's' : ''}` : 'with its SIMD kernels off'}: ` +
          `${v.charsPerSec.toLocaleString('en-US')} chars/s (${ratio}× the row, same rounds)`,
      );
    }
  }
  notes.push(
    '- peak tensor MB: tensors held at the peak of one profiled step (tf.profile); peak RSS is ' +
      "the whole process's and never falls (the wasm heap only grows), so later rows inherit " +
      "earlier rows' peaks.",
  );
  return `\n${head}\n|${'---|'.repeat(torch ? 12 : 9)}\n${lines.map((l) => `| ${l} |`).join('\n')}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}
