import type { CellType } from '@rnnkit/cells';

/** One row of the comparison: what is trained or sampled, and how. */
export interface BenchConfig {
  suite: 'train' | 'sample';
  cell: CellType;
  hidden: number;
  layers: number;
  batch: number;
  seqLength: number;
}

export const VOCAB = 65;

/** The rows of issue 3's table (one-hot input, vocabulary 65, Adam). */
export const CONFIGS: readonly BenchConfig[] = [
  { suite: 'train', cell: 'lstm', hidden: 128, layers: 1, batch: 32, seqLength: 64 },
  { suite: 'train', cell: 'lstm', hidden: 256, layers: 2, batch: 32, seqLength: 64 },
  { suite: 'train', cell: 'gru', hidden: 128, layers: 1, batch: 32, seqLength: 64 },
  { suite: 'train', cell: 'rnn', hidden: 128, layers: 1, batch: 32, seqLength: 64 },
  { suite: 'train', cell: 'lstm', hidden: 128, layers: 1, batch: 32, seqLength: 1024 },
  { suite: 'sample', cell: 'lstm', hidden: 128, layers: 2, batch: 1, seqLength: 1 },
];

/**
 * tfjs-layers throughput in chars/s measured on this kind of machine (issue 3); cpu rows the
 * issue leaves blank are scaled from wasm by its LSTM h128 cpu/wasm ratio. Used only to skip
 * a tfjs-layers row whose warm-up and timed steps would take over a minute, before running it.
 */
const LAYERS_KNOWN: Record<string, number> = {
  'wasm train lstm 128x1 T64': 1929,
  'wasm train lstm 256x2 T64': 235,
  'wasm train gru 128x1 T64': 2175,
  'wasm train rnn 128x1 T64': 5163,
  'wasm train lstm 128x1 T1024': 661,
  'wasm sample lstm 128x2 T1': 1084,
  'cpu train lstm 128x1 T64': 364,
  'cpu sample lstm 128x2 T1': 523,
};

/** Expected seconds per training step of tfjs-layers, or undefined when nothing is known. */
export function layersStepSeconds(backend: string, c: BenchConfig): number | undefined {
  const key = (b: string) => `${b} ${c.suite} ${c.cell} ${c.hidden}x${c.layers} T${c.seqLength}`;
  const known = LAYERS_KNOWN[key(backend)];
  const scaled = known ?? (backend === 'cpu' ? (LAYERS_KNOWN[key('wasm')] ?? 0) * (364 / 1929) : 0);
  if (!scaled) return undefined;
  return (c.batch * c.seqLength) / scaled;
}

export function describeConfig(c: BenchConfig): string {
  const stack = c.layers > 1 ? `h${c.hidden}x${c.layers}` : `h${c.hidden}`;
  return c.suite === 'sample'
    ? `sample ${c.cell} ${stack} batch 1`
    : `train ${c.cell} ${stack} T${c.seqLength}`;
}
