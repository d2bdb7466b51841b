import { type BenchConfig, CONFIGS } from './configs.js';

/** The implementations rnnkit is compared with; rnnkit itself always runs. */
export const IMPLS = ['rnnkit', 'tfjs-layers', 'pytorch'] as const;
export type Impl = (typeof IMPLS)[number];

/** A configuration's name on the command line: `train-lstm-h128`, `sample-lstm-h128x2`, … */
export function configKey(c: BenchConfig): string {
  const stack = c.layers > 1 ? `h${c.hidden}x${c.layers}` : `h${c.hidden}`;
  const length = c.suite === 'train' && c.seqLength !== 64 ? `-T${c.seqLength}` : '';
  return `${c.suite}-${c.cell}-${stack}${length}`;
}

/** Thrown for a bad --impl, --config or --torch-threads; bin.ts prints it and exits 2. */
export class BenchArgError extends Error {
  override name = 'BenchArgError';
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** `--impl rnnkit,pytorch` → the implementations to run (rnnkit is implied). */
export function parseImpls(value: string | undefined): Impl[] {
  if (value == null) return [...IMPLS];
  const impls = list(value);
  const unknown = impls.filter((i) => !(IMPLS as readonly string[]).includes(i));
  if (unknown.length || !impls.length) {
    throw new BenchArgError(
      `--impl takes a comma-separated list of ${IMPLS.join(', ')}; got '${value}'`,
    );
  }
  return IMPLS.filter((i) => i === 'rnnkit' || impls.includes(i));
}

/**
 * `--config train-gru,sample` → the configurations named: a name picks the configuration with
 * that key, or else every configuration whose key starts with it and a dash.
 */
export function selectConfigs(
  value: string | undefined,
  all: readonly BenchConfig[] = CONFIGS,
): BenchConfig[] {
  if (value == null) return [...all];
  const matches = (n: string) => {
    const exact = all.filter((c) => configKey(c) === n);
    return exact.length ? exact : all.filter((c) => configKey(c).startsWith(`${n}-`));
  };
  const names = list(value);
  const unmatched = names.filter((n) => !matches(n).length);
  if (unmatched.length || !names.length) {
    throw new BenchArgError(
      `--config: no configuration named ${unmatched.map((n) => `'${n}'`).join(', ') || `'${value}'`}; ` +
        `known: ${all.map(configKey).join(', ')}`,
    );
  }
  const picked = new Set(names.flatMap(matches));
  return all.filter((c) => picked.has(c));
}

/** `--torch-threads 2,1` → PyTorch's thread counts for training rows (sampling uses 1). */
export function parseThreads(value: string | undefined): number[] {
  if (value == null) return [2, 1];
  const threads = list(value).map(Number);
  if (!threads.length || threads.some((t) => !Number.isInteger(t) || t < 1)) {
    throw new BenchArgError(`--torch-threads takes positive integers, e.g. 2,1; got '${value}'`);
  }
  return [...new Set(threads)];
}
