import type { Measurement } from './measure.js';
import type { TorchStart } from './start-torch.js';

/** PyTorch on one configuration with one thread count, timed in rnnkit's rounds. */
export interface TorchResult {
  threads: number;
  /** The BLAS the runner mapped, e.g. "OpenBLAS 0.3.21 openmp Haswell". */
  blas: string;
  charsPerSec: number;
  peakRssMb: number;
  /** rnnkit chars/s ÷ PyTorch chars/s. */
  ratio: number;
}

export function torchResult(
  rnnkit: Measurement,
  torch: Measurement,
  threads: number,
  blas: string,
): TorchResult {
  return {
    threads,
    blas,
    charsPerSec: torch.charsPerSec,
    peakRssMb: torch.peakRssMb,
    ratio: Math.round((rnnkit.charsPerSec / torch.charsPerSec) * 100) / 100,
  };
}

/**
 * The PyTorch cells of a table row: chars/s and rnnkit/PyTorch per thread count ("2t" = two
 * intra-op threads), and the BLAS; dashes when PyTorch did not run.
 */
export function torchCells(results: readonly TorchResult[] | undefined): string[] {
  if (!results?.length) return ['—', '—', '—'];
  const each = (f: (r: TorchResult) => string) =>
    results.map((r) => `${f(r)} @${r.threads}t`).join(' / ');
  const blas = [...new Set(results.map((r) => r.blas))].join(', ');
  return [each((r) => r.charsPerSec.toLocaleString('en-US')), each((r) => `${r.ratio}×`), blas];
}

/** The one line the bench prints when it runs without PyTorch. */
export function torchSkipLine(reason: string): string {
  return `PyTorch rows skipped: ${reason}\n`;
}

/**
 * What the bench says about PyTorch before the rows: the skip line and why, or which torch
 * and BLAS it runs (with a warning when that BLAS is not OpenBLAS, which is ~10× faster).
 */
export function torchBanner(start: TorchStart, json: boolean | undefined): string {
  if (!start.ok) {
    return json
      ? `${JSON.stringify({ impl: 'pytorch', skipped: start.reason })}\n`
      : torchSkipLine(start.reason);
  }
  const { hello, blasDir } = start;
  if (json) {
    return `${JSON.stringify({ impl: 'pytorch', check: 'runtime', torch: hello.torch, python: hello.python, blas: hello.blas, blasLibrary: hello.blasLibrary, blasConfig: hello.blasConfig })}\n`;
  }
  const warning = hello.blas.startsWith('OpenBLAS')
    ? ''
    : blasDir
      ? ` (warning: OpenBLAS was put first on LD_LIBRARY_PATH from ${blasDir} but not loaded)`
      : ' (warning: libopenblas0-openmp is not installed; PyTorch users have OpenBLAS, ~10× faster: apt-get install -y libopenblas0-openmp)';
  return `PyTorch ${hello.torch} (Python ${hello.python}) with ${hello.blas} from ${hello.blasLibrary ?? 'no BLAS library'}${warning}\n`;
}

/** The JSON lines of one PyTorch measurement and its rnnkit/PyTorch ratio. */
export function torchJsonLines(
  suite: string,
  base: Record<string, unknown>,
  r: TorchResult,
): string {
  const { ratio, ...m } = r;
  return (
    `${JSON.stringify({ suite, impl: 'pytorch', ...base, ...m })}\n` +
    `${JSON.stringify({ suite, ratio, vs: 'pytorch', threads: r.threads, blas: r.blas, ...base })}\n`
  );
}
